//! `cargo xtask diff 3.6 3.7` covers every item of the changelog's v3.7 section, read from the
//! copy of the changelog in `tests/reference/`.

use livechat_config_tests::root;

/// The lines of the changelog's v3.7 section.
fn changelog_v3_7() -> Vec<String> {
    let text = std::fs::read_to_string(root().join("tests/reference/changelog.mdx")).unwrap();
    text.lines()
        .skip_while(|l| !l.starts_with("## [v3.7]"))
        .skip(1)
        .take_while(|l| !l.starts_with("## ["))
        .map(str::to_string)
        .collect()
}

/// The action a changelog link names: `(/management/configuration-api/v3.7#ban-customer)`.
fn linked_action(line: &str) -> Option<String> {
    let anchor = line.split("/management/configuration-api/v3.7#").nth(1)?;
    let anchor = anchor.split(')').next()?;
    Some(anchor.replace('-', "_"))
}

/// The first value in backticks on a line.
fn quoted(line: &str) -> Option<&str> {
    line.split('`').nth(1)
}

fn diff() -> String {
    xtask::diff::diff(&root(), "3.6", "3.7").unwrap()
}

/// The section heading (`## <section>`) a diff line falls under.
fn section_of<'a>(diff: &'a str, needle: &str) -> Option<&'a str> {
    let mut section = None;
    for line in diff.lines() {
        if let Some(name) = line.strip_prefix("## ") {
            section = Some(name);
        }
        if line.trim() == needle {
            return section;
        }
    }
    None
}

#[test]
fn the_changelog_section_lists_what_this_test_expects() {
    let items: Vec<String> = changelog_v3_7()
        .iter()
        .filter(|l| l.trim_start().starts_with("- "))
        .cloned()
        .collect();
    // Three "Added … methods:" items with their 9 links, and two one-line items.
    assert_eq!(items.len(), 14, "{items:#?}");
    let headings: Vec<String> = changelog_v3_7()
        .iter()
        .filter_map(|l| l.strip_prefix("### ").map(str::to_string))
        .collect();
    assert_eq!(
        headings,
        [
            "Allowed Domains",
            "Canned responses",
            "Customer bans",
            "Greetings",
            "Translations"
        ]
    );
}

#[test]
fn every_added_method_of_the_changelog_is_an_added_action_in_its_section() {
    let diff = diff();
    let mut covered = Vec::new();
    for line in changelog_v3_7() {
        // The Greetings item links Create Greeting to name a rule type, not a new method.
        if line.contains("rule type") {
            continue;
        }
        let Some(action) = linked_action(&line) else {
            continue;
        };
        let section = section_of(&diff, &format!("+ {action}"))
            .unwrap_or_else(|| panic!("`{action}` is not an added action in:\n{diff}"));
        let expected = match action.as_str() {
            "ban_customer" => "customer_bans",
            a if a.contains("allowed_domain") => "allowed_domains",
            a if a.contains("canned_response") => "canned_responses",
            a if a.contains("translations") => "translations",
            a => panic!("unexpected changelog method `{a}`"),
        };
        assert_eq!(section, expected, "{action}");
        covered.push(action);
    }
    assert_eq!(
        covered,
        [
            "add_allowed_domain",
            "list_allowed_domains",
            "delete_allowed_domain",
            "create_canned_response",
            "update_canned_response",
            "list_canned_responses",
            "delete_canned_response",
            "ban_customer",
            "update_translations",
            "list_translations"
        ]
    );
    // The tenth batch endpoint comes with Update Translations; the canned responses' type too.
    assert!(diff.contains("+ CannedResponse (object)"), "{diff}");
}

/// The changelog calls `url_match_page_view_number` a new rule type of v3.7, but the v3.6 page
/// already documents it, so both specs have it and the diff rightly shows no change for it (the
/// v3.7 spec's Create Greeting notes record this).
#[test]
fn the_new_rule_type_of_the_changelog_is_in_both_versions() {
    let line = changelog_v3_7()
        .into_iter()
        .find(|l| l.contains("rule type"))
        .unwrap();
    let value = quoted(&line).unwrap();
    assert_eq!(value, "url_match_page_view_number");
    for version in ["3.6", "3.7"] {
        let text =
            std::fs::read_to_string(root().join(format!("spec/configuration-v{version}.json")))
                .unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        let rule_type = json["types"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == "RuleType")
            .unwrap();
        assert!(
            rule_type["values"]
                .as_array()
                .unwrap()
                .iter()
                .any(|v| v["value"] == value),
            "v{version} has {value}"
        );
    }
    assert_eq!(
        livechat_config::v3_7::RuleType::from(value),
        livechat_config::v3_7::RuleType::UrlMatchPageViewNumber
    );
    assert!(!diff().contains(value));
    let notes = super::action("create_greeting")["notes"].to_string();
    assert!(notes.contains(value), "{notes}");
}

#[test]
fn the_diff_prints_exactly_the_v3_7_additions() {
    assert_eq!(
        diff(),
        "## allowed_domains\n\
         + add_allowed_domain\n\
         + list_allowed_domains\n\
         + delete_allowed_domain\n\
         \n\
         ## customer_bans\n\
         + ban_customer\n\
         \n\
         ## canned_responses\n\
         + create_canned_response\n\
         + update_canned_response\n\
         + list_canned_responses\n\
         + delete_canned_response\n\
         \n\
         ## translations\n\
         + update_translations\n\
         + list_translations\n\
         \n\
         ## Types\n\
         + CannedResponse (object)\n"
    );
}
