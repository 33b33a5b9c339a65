//! Typed webhook deliveries: every sample of the webhooks references (v3.5, v3.6 and v3.7: chats,
//! events, users, properties, tags, statuses, customers, configuration) decodes into its
//! `WebhookEvent` variant with the sample's values and writes back to the same payload, the copies
//! under `reference/webhooks-v*/` are the spec's examples, and bad deliveries are typed errors.

use livechat_config::webhook::{self, WebhookError};
use livechat_config_tests::root;
use serde_json::{json, Value};
use std::path::PathBuf;

/// The samples' placeholder key, which is what they carry as `secret_key`.
const SAMPLE_SECRET: &str = "<secret_key>";

fn reference_dir(version: &str) -> PathBuf {
    root().join(format!("tests/reference/webhooks-v{version}"))
}

fn sample(version: &str, stem: &str) -> Vec<u8> {
    let path = reference_dir(version).join(format!("{stem}.json"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn spec(version: &str) -> Value {
    let path = root().join(format!("spec/configuration-v{version}.json"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The spec describes every action `register_webhook` takes, each once.
fn described_actions(spec: &Value) -> Vec<String> {
    let events = spec["webhooks"]["events"].as_array().unwrap();
    let mut described: Vec<String> = events
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect();
    described.sort();
    let mut actions: Vec<String> = spec["types"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "WebhookAction")
        .unwrap()["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["value"].as_str().unwrap().to_string())
        .collect();
    actions.sort();
    assert_eq!(described, actions);
    described
}

/// The number of sample deliveries a version's spec holds.
fn examples(spec: &Value) -> usize {
    spec["webhooks"]["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["examples"].as_array().unwrap().len())
        .sum()
}

/// Each copy is one of the spec's examples of the webhook its name starts with, and each
/// example has its copy; every webhook `register_webhook` takes is described: 37 in v3.5 (44
/// samples), 38 in v3.6 and v3.7 (45 samples).
#[test]
fn the_reference_copies_are_the_specs_examples() {
    for (version, webhooks, samples) in [("3.5", 37, 44), ("3.6", 38, 45), ("3.7", 38, 45)] {
        let spec = spec(version);
        assert_eq!(described_actions(&spec).len(), webhooks, "v{version}");
        assert_eq!(examples(&spec), samples, "v{version}");
        let events = spec["webhooks"]["events"].as_array().unwrap();
        let mut unmatched: Vec<(String, Value)> = events
            .iter()
            .flat_map(|e| {
                let action = e["action"].as_str().unwrap().to_string();
                e["examples"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(move |x| (action.clone(), x["webhook"].clone()))
            })
            .collect();
        assert_eq!(unmatched.len(), samples, "v{version}");
        let mut files = 0;
        for entry in std::fs::read_dir(reference_dir(version)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_str().unwrap().to_string();
            let action = name.split('.').next().unwrap().to_string();
            let copy: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
            let at = unmatched
                .iter()
                .position(|(a, example)| *a == action && *example == copy)
                .unwrap_or_else(|| panic!("v{version} {name} is no example of `{action}`"));
            unmatched.remove(at);
            files += 1;
        }
        assert_eq!(files, samples, "v{version}");
        assert!(unmatched.is_empty(), "v{version}: no copy of {unmatched:?}");
    }
}

/// The typed payload loses nothing of a sample: written back, it is the sample's payload.
#[test]
fn every_sample_decodes_into_its_variant_and_back() {
    macro_rules! decoded {
        ($module:ident, $body:expr, $path:expr) => {{
            let d =
                webhook::verify_as::<livechat_config::$module::WebhookEvent>($body, SAMPLE_SECRET)
                    .unwrap_or_else(|e| panic!("{}: {e}", $path.display()));
            assert!(!matches!(
                d.event,
                livechat_config::$module::WebhookEvent::Other { .. }
            ));
            assert_eq!(d.event.action(), d.action);
            (d.event.action().to_string(), d.event.payload())
        }};
    }
    for version in ["3.5", "3.6", "3.7"] {
        let mut decoded = 0;
        for entry in std::fs::read_dir(reference_dir(version)).unwrap() {
            let path = entry.unwrap().path();
            let body = std::fs::read(&path).unwrap();
            let sent: Value = serde_json::from_slice(&body).unwrap();
            let (action, payload) = match version {
                "3.5" => decoded!(v3_5, &body, path),
                "3.6" => decoded!(v3_6, &body, path),
                _ => decoded!(v3_7, &body, path),
            };
            assert_eq!(action, sent["action"], "{}", path.display());
            assert_eq!(payload, sent["payload"], "{}", path.display());
            decoded += 1;
        }
        assert_eq!(decoded, examples(&spec(version)), "v{version}");
    }
}

/// The same assertions on the samples of each version, through that version's types.
macro_rules! samples_of {
    ($version:literal, $module:ident) => {
        mod $module {
            use super::{sample, webhook, SAMPLE_SECRET};
            use livechat_config::webhook::Delivery;
            use livechat_config::$module::*;

            fn decode(stem: &str) -> Delivery<WebhookEvent> {
                webhook::verify_as::<WebhookEvent>(&sample($version, stem), SAMPLE_SECRET)
                    .unwrap_or_else(|e| panic!("{stem}: {e}"))
            }

            fn agent_id(stem: &str) -> String {
                match decode(stem).event {
                    WebhookEvent::AgentApproved(p) if stem == "agent_approved" => p.id,
                    WebhookEvent::AgentSuspended(p) if stem == "agent_suspended" => p.id,
                    WebhookEvent::AgentUnsuspended(p) if stem == "agent_unsuspended" => p.id,
                    WebhookEvent::AgentDeleted(p) if stem == "agent_deleted" => p.id,
                    other => panic!("{stem}: {other:?}"),
                }
            }

            #[test]
            fn the_envelope_carries_ids_and_the_requester() {
                let delivery = decode("agent_created");
                assert_eq!(delivery.webhook_id, "<webhook_id>");
                assert_eq!(delivery.secret_key, SAMPLE_SECRET);
                assert_eq!(delivery.action, WebhookAction::AgentCreated);
                assert_eq!(
                    delivery.organization_id,
                    "390e44e6-f1e6-0368c-z6ddb-74g14508c2ex"
                );
                let requester = delivery.requester.clone().unwrap();
                assert_eq!(requester.user_id.as_deref(), Some("user@example.com"));
                assert_eq!(
                    requester.account_id.as_deref(),
                    Some("f09ba25b-8be8-4fcd-a2c8-0b1c567aec85")
                );
                assert_eq!(
                    requester.client_id.as_deref(),
                    Some("1b4237f476826986da63022a76c35bb1")
                );
                let extra = delivery.additional_data.clone().unwrap();
                assert_eq!(extra.chat_properties, None);
                assert_eq!(extra.chat_presence_user_ids, None);
            }

            #[test]
            fn agent_created_is_a_full_agent() {
                let WebhookEvent::AgentCreated(agent) = decode("agent_created").event else {
                    panic!()
                };
                assert_eq!(agent.id, "smith@example.com");
                assert_eq!(agent.name, "Agent Smith");
                assert_eq!(agent.role, Some(Role::Viceowner));
                assert_eq!(agent.awaiting_approval, Some(false));
                assert_eq!(
                    agent.groups.unwrap(),
                    [
                        GroupAssignment::new(5, Priority::First),
                        GroupAssignment::new(2, Priority::Last),
                        GroupAssignment::new(1, Priority::Normal),
                    ]
                );
                assert_eq!(
                    agent.notifications.unwrap(),
                    [
                        Notification::NewVisitor,
                        Notification::NewGoal,
                        Notification::VisitorIsTyping
                    ]
                );
                assert_eq!(
                    agent.email_subscriptions.unwrap(),
                    [EmailSubscription::WeeklySummary]
                );
                let scheduler = agent.work_scheduler.unwrap();
                assert_eq!(scheduler.timezone.as_deref(), Some("Europe/Warsaw"));
                assert_eq!(scheduler.schedule.len(), 2);
                assert_eq!(scheduler.schedule[1].day, Day::Monday);
                assert_eq!(
                    (
                        scheduler.schedule[1].start.as_str(),
                        scheduler.schedule[1].end.as_str()
                    ),
                    ("13:30", "16:30")
                );
            }

            #[test]
            fn agent_updated_carries_only_what_changed() {
                let WebhookEvent::AgentUpdated(update) = decode("agent_updated").event else {
                    panic!()
                };
                assert_eq!(update.id, "smith@example.com");
                assert_eq!(update.name, None);
                assert_eq!(update.role, None);
                let schedule = update.work_scheduler.unwrap().schedule;
                assert_eq!(schedule.len(), 3);
                assert_eq!(schedule[2].day, Day::Friday);
                assert!(schedule[2].enabled);
                assert_eq!(schedule[2].start, "07:30");
                assert_eq!(schedule[2].end, "21:30");
            }

            #[test]
            fn agent_state_changes_name_the_agent() {
                for stem in [
                    "agent_approved",
                    "agent_suspended",
                    "agent_unsuspended",
                    "agent_deleted",
                ] {
                    assert_eq!(agent_id(stem), "smith@example.com", "{stem}");
                }
            }

            #[test]
            fn auto_accesses_updated_lists_each_rule_with_its_status() {
                let changes = |stem: &str| match decode(stem).event {
                    WebhookEvent::AutoAccessesUpdated(changes) => changes,
                    other => panic!("{stem}: {other:?}"),
                };

                let added = changes("auto_accesses_updated.added");
                assert_eq!(added.len(), 2);
                assert_eq!(added[0].id, "a2710c4680fa15700ae046940a11a329");
                assert_eq!(added[0].status, AutoAccessChangeStatus::Updated);
                assert_eq!(
                    added[0].next_id.as_deref(),
                    Some("f65e41f43bbb2fefe3756698ba47caeb")
                );
                assert_eq!(added[0].conditions, None);
                let rule = &added[1];
                assert_eq!(rule.status, AutoAccessChangeStatus::Added);
                assert_eq!(rule.description.as_deref(), Some(""));
                assert_eq!(rule.access.as_ref().unwrap().groups, [0]);
                let conditions = rule.conditions.as_ref().unwrap();
                let url = &conditions.url.as_ref().unwrap().values.as_ref().unwrap()[0];
                assert_eq!(url.value, "https://www.auto-access.test");
                assert_eq!(url.exact_match, Some(false));
                let domain = &conditions.domain.as_ref().unwrap().values.as_ref().unwrap()[0];
                assert_eq!(domain.exact_match, Some(true));
                let place = &conditions.geolocation.as_ref().unwrap().values[0];
                assert_eq!(place.country_code.as_deref(), Some("US"));
                assert_eq!(place.city.as_deref(), Some("Mountain View"));
                assert_eq!(rule.next_id.as_deref(), Some(""));

                let updated = changes("auto_accesses_updated.updated");
                assert_eq!(updated.len(), 2);
                assert_eq!(
                    updated[0].description.as_deref(),
                    Some("Chats on livechat.com from United States")
                );
                assert_eq!(updated[0].access.as_ref().unwrap().groups, [1]);
                let conditions = updated[0].conditions.as_ref().unwrap();
                assert_eq!(
                    conditions.domain.as_ref().unwrap().values.as_ref().unwrap()[0].value,
                    "livechat.com"
                );
                assert_eq!(
                    conditions.geolocation.as_ref().unwrap().values[0]
                        .country
                        .as_deref(),
                    Some("United States")
                );
                assert_eq!(updated[0].next_id.as_deref(), Some(""));
                assert_eq!(updated[0].status, AutoAccessChangeStatus::Updated);
                assert_eq!(
                    updated[1].description.as_deref(),
                    Some("Auto access updated")
                );
                assert_eq!(
                    updated[1].next_id.as_deref(),
                    Some("a2710c4680fa15700ae046940a11a329")
                );

                let deleted = changes("auto_accesses_updated.deleted");
                assert_eq!(deleted.len(), 2);
                assert_eq!(deleted[0].status, AutoAccessChangeStatus::Updated);
                assert_eq!(deleted[0].next_id.as_deref(), Some(""));
                assert_eq!(deleted[1].id, "a2710c4680fa15700ae046940a11a329");
                assert_eq!(deleted[1].status, AutoAccessChangeStatus::Deleted);
                assert_eq!(deleted[1].description, None);
            }

            #[test]
            fn bot_webhooks() {
                let WebhookEvent::BotCreated(bot) = decode("bot_created").event else {
                    panic!()
                };
                assert_eq!(bot.id, "5c9871d5372c824cbf22d860a707a578");
                assert_eq!(bot.name, "Bot Name");
                assert_eq!(bot.default_group_priority, Some(Priority::First));
                assert_eq!(
                    bot.groups.unwrap(),
                    [GroupAssignment::new(0, Priority::Normal)]
                );
                assert_eq!(bot.owner_client_id.as_deref(), Some("asXdesldiAJSq9padj"));

                let WebhookEvent::BotUpdated(update) = decode("bot_updated").event else {
                    panic!()
                };
                assert_eq!(update.id, "5c9871d5372c824cbf22d860a707a578");
                assert_eq!(update.name.as_deref(), Some("New Bot Name"));
                assert_eq!(update.groups, None);

                let WebhookEvent::BotDeleted(deleted) = decode("bot_deleted").event else {
                    panic!()
                };
                assert_eq!(deleted.id, "5c9871d5372c824cbf22d860a707a578");
            }

            #[test]
            fn group_webhooks() {
                let WebhookEvent::GroupCreated(group) = decode("group_created").event else {
                    panic!()
                };
                assert_eq!(group.id, 42);
                assert_eq!(group.name, "sales");
                assert_eq!(group.language_code.as_deref(), Some("en"));
                let priorities = group.agent_priorities.unwrap();
                assert_eq!(priorities["agent@example.com"], Priority::Normal);
                assert_eq!(priorities["other_agent@example.com"], Priority::First);

                let WebhookEvent::GroupUpdated(update) = decode("group_updated").event else {
                    panic!()
                };
                assert_eq!(update.id, 1);
                assert_eq!(update.name, None);
                let priorities = update.agent_priorities.unwrap();
                assert_eq!(priorities.len(), 1);
                assert_eq!(priorities["agent@example.com"], Priority::Normal);

                let WebhookEvent::GroupDeleted(deleted) = decode("group_deleted").event else {
                    panic!()
                };
                assert_eq!(deleted.id, 42);
            }

            #[test]
            fn tag_webhooks() {
                let WebhookEvent::TagCreated(tag) = decode("tag_created").event else {
                    panic!()
                };
                assert_eq!(tag.name, "docs_feedback");
                assert_eq!(tag.group_ids.unwrap(), [0, 42]);
                assert_eq!(
                    tag.created_at.as_deref(),
                    Some("2019-12-09T12:01:18.909000Z")
                );
                assert_eq!(tag.author_id.as_deref(), Some("smith@example.com"));

                let WebhookEvent::TagUpdated(update) = decode("tag_updated").event else {
                    panic!()
                };
                assert_eq!(update.name, "docs_feedback");
                assert_eq!(update.group_ids.unwrap(), [0, 42]);
                assert_eq!(update.created_at, None);

                let WebhookEvent::TagDeleted(deleted) = decode("tag_deleted").event else {
                    panic!()
                };
                assert_eq!(deleted.name, "docs_feedback");
            }

            /// `Other` is left for actions a later version adds.
            #[test]
            fn the_enum_has_one_variant_per_webhook_action() {
                let mut typed: Vec<&str> =
                    WebhookEvent::ACTIONS.iter().map(|a| a.as_str()).collect();
                let mut actions: Vec<&str> =
                    WebhookAction::KNOWN.iter().map(|a| a.as_str()).collect();
                typed.sort();
                actions.sort();
                assert_eq!(typed, actions);
                assert_eq!(typed.len(), 38);
                assert_eq!(WebhookEvent::ACTIONS[0], WebhookAction::IncomingChat);
            }

            #[test]
            fn incoming_chat_carries_the_whole_chat() {
                let d = decode("incoming_chat");
                let WebhookEvent::IncomingChat(p) = &d.event else {
                    panic!("{:?}", d.event)
                };
                let chat = &p.chat;
                assert_eq!(chat.id, "PJ0MRSHTDG");
                let [ChatUser::Customer(customer), ChatUser::Agent(agent)] = &chat.users[..] else {
                    panic!("{:?}", chat.users)
                };
                assert_eq!(customer.name.as_deref(), Some("Thomas Anderson"));
                assert_eq!(customer.email_verified, Some(false));
                let cart = &customer.carts.as_ref().unwrap()[0];
                assert_eq!(cart.total, Some(64.78));
                assert_eq!(cart.items.as_ref().unwrap()[0].variant_id, Some(44012345678901));
                assert_eq!(agent.id, "smith@example.com");
                assert_eq!(agent.visibility, Visibility::All);
                assert_eq!(chat.users[1].tag(), "agent");
                let thread = &chat.thread;
                assert_eq!((thread.id.as_str(), thread.active), ("K600PKZON8", true));
                let events = thread.events.as_ref().unwrap();
                let Event::FilledForm(form) = &events[0] else {
                    panic!("{:?}", events[0])
                };
                assert_eq!(form.form_type, Some(FormType::Prechat));
                assert_eq!(form.fields[2].r#type, FormFieldType::GroupChooser);
                assert_eq!(form.fields[2].answer["group_id"], 0);
                let Event::Message(message) = &events[1] else {
                    panic!("{:?}", events[1])
                };
                assert!(message.text.starts_with("Hello, are there any discount codes"));
                // The additional data the webhook was registered for.
                let extra = d.additional_data.as_ref().unwrap();
                assert_eq!(
                    extra.chat_presence_user_ids.as_deref().unwrap(),
                    ["b7eff798-f8df-4364-8059-649c35c9ed0c", "smith@example.com"]
                );
                assert_eq!(
                    extra.chat_properties.as_ref().unwrap()["source"]["client_id"],
                    "0805e283233042b37f460ed8fbf22160"
                );
            }

            /// Each sample of `incoming_event` is another event type, each its own variant.
            #[test]
            fn incoming_event_types_each_event() {
                let event = |which: &str| match decode(&format!("incoming_event.{which}")).event {
                    WebhookEvent::IncomingEvent(p) => p.event,
                    other => panic!("{which}: {other:?}"),
                };
                for which in ["message", "file", "form", "custom", "system_message", "system"] {
                    assert_eq!(event(which).tag(), which);
                }
                let Event::File(file) = event("file") else { panic!() };
                assert!(file.url.starts_with("https://"), "{}", file.url);
                let Event::SystemMessage(system) = event("system_message") else { panic!() };
                assert!(system.text.as_deref().unwrap().contains("assigned"));
                let Event::Custom(custom) = event("custom") else { panic!() };
                assert_eq!(custom.custom_id.as_deref(), Some("order-status-A-10024"));
                let WebhookEvent::EventUpdated(updated) = decode("event_updated").event else {
                    panic!()
                };
                let Event::RichMessage(rich) = updated.event else { panic!() };
                assert_eq!(rich.author_id, "smith@example.com");
            }

            #[test]
            fn chat_state_webhooks() {
                let WebhookEvent::ChatTransferred(t) = decode("chat_transferred").event else {
                    panic!()
                };
                assert_eq!(t.reason, TransferReason::Manual);
                assert_eq!(t.transferred_to.group_ids.as_deref(), Some(&[19][..]));
                assert_eq!(t.queue.unwrap().position, Some(42));
                let WebhookEvent::RoutingStatusSet(s) = decode("routing_status_set").event else {
                    panic!()
                };
                assert_eq!(s.status, RoutingStatus::AcceptingChats);
                let WebhookEvent::ThreadTagged(tag) = decode("thread_tagged").event else {
                    panic!()
                };
                assert_eq!(tag.tag, "bug_report");
                let WebhookEvent::ChatPropertiesDeleted(p) = decode("chat_properties_deleted").event
                else {
                    panic!()
                };
                assert_eq!(p.properties["0805e283233042b37f460ed8fbf22160"], ["string_property"]);
                let WebhookEvent::UserAddedToChat(added) = decode("user_added_to_chat").event else {
                    panic!()
                };
                assert!(matches!(added.user, ChatUser::Agent(a) if a.id == "agent@example.com"));
            }
        }
    };
}

samples_of!("3.6", v3_6);
samples_of!("3.7", v3_7);

// --- the crate root, other actions, bad deliveries -----------------------------------------

use livechat_config::{WebhookAction, WebhookEvent};

const SECRET: &str = "laudla991lamda0pnoaa0";

fn delivery(action: &str, payload: Value) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "webhook_id": "pqi8oasdjahuakndw9nsad9na",
        "secret_key": SECRET,
        "action": action,
        "organization_id": "390e44e6-f1e6-0368c-z6ddb-74g14508c2ex",
        "payload": payload,
        "additional_data": {}
    }))
    .unwrap()
}

#[test]
fn the_crate_root_verifies_with_the_stable_versions_types() {
    let body = delivery("tag_deleted", json!({"name": "docs_feedback"}));
    let delivery = webhook::verify(&body, SECRET).unwrap();
    assert_eq!(
        delivery.event,
        WebhookEvent::TagDeleted(livechat_config::TagDeletedPayload::new("docs_feedback"))
    );
    assert_eq!(delivery.payload, json!({"name": "docs_feedback"}));
    assert_eq!(delivery.requester, None);
}

#[test]
fn other_actions_keep_their_payload_raw() {
    // An action this version does not know (one a later version may add).
    let action = "auto_access_added";
    let payload = json!({"chat": {"id": "PJ0MRSHTDG"}, "anything": [1, "two", null]});
    let kept_raw = webhook::verify(&delivery(action, payload.clone()), SECRET).unwrap();
    let expected = WebhookAction::Other(action.into());
    match &kept_raw.event {
        WebhookEvent::Other {
            action: kept,
            payload: raw,
        } => {
            assert_eq!(*kept, expected);
            assert_eq!(*raw, payload);
        }
        other => panic!("{action}: {other:?}"),
    }
    assert_eq!(kept_raw.event.action(), expected);
    assert_eq!(kept_raw.event.payload(), payload);

    // `event_deleted` came with v3.6: v3.5's types keep it as sent.
    let payload =
        json!({"chat_id": "PJ0MRSHTDG", "thread_id": "K600PKZON8", "event_id": "K600PKZON8_4"});
    let body = delivery("event_deleted", payload.clone());
    let old = webhook::verify_as::<livechat_config::v3_5::WebhookEvent>(&body, SECRET).unwrap();
    assert_eq!(
        old.event,
        livechat_config::v3_5::WebhookEvent::Other {
            action: livechat_config::v3_5::WebhookAction::Other("event_deleted".into()),
            payload,
        }
    );
    assert!(matches!(
        webhook::verify(&body, SECRET).unwrap().event,
        WebhookEvent::EventDeleted(_)
    ));
}

/// v3.7's webhooks are v3.6's: one `WebhookEvent` (and its payloads) for both, so a delivery
/// typed by either is the same value and the type is compiled once. This compiles only so.
#[test]
fn v3_7_reuses_v3_6_s_webhook_event() {
    fn same(event: livechat_config::v3_7::WebhookEvent) -> livechat_config::v3_6::WebhookEvent {
        event
    }
    let body = sample("3.7", "incoming_chat");
    let delivery =
        webhook::verify_as::<livechat_config::v3_7::WebhookEvent>(&body, SAMPLE_SECRET).unwrap();
    assert!(matches!(
        same(delivery.event),
        WebhookEvent::IncomingChat(_)
    ));
}

/// v3.5's own webhook: a new customer, typed by v3.5's types.
#[test]
fn v3_5_types_incoming_customer() {
    use livechat_config::v3_5::{ChatUser, WebhookEvent};
    let body = sample("3.5", "incoming_customer");
    let delivery = webhook::verify_as::<WebhookEvent>(&body, SAMPLE_SECRET).unwrap();
    let WebhookEvent::IncomingCustomer(payload) = &delivery.event else {
        panic!("{:?}", delivery.event)
    };
    let ChatUser::Customer(customer) = &payload.customer else {
        panic!("{:?}", payload.customer)
    };
    assert_eq!(customer.name.as_deref(), Some("Thomas Anderson"));
    assert_eq!(
        customer.session_fields.as_ref().unwrap()[0]["plan"],
        "premium"
    );
}

/// An event type or a user type this version does not know is kept as sent, not an error,
/// and written back unchanged.
#[test]
fn unknown_union_tags_are_kept_as_their_own_variant() {
    use livechat_config::{ChatUser, Event};
    let event = json!({"id": "T_9", "type": "video_call", "created_at": "2019-12-09T12:01:18.909000Z",
                       "author_id": "a@example.com", "room": {"url": "https://example.com/r/1"}});
    let body = delivery(
        "incoming_event",
        json!({"chat_id": "C", "thread_id": "T", "event": event.clone()}),
    );
    let delivery = webhook::verify(&body, SECRET).unwrap();
    let WebhookEvent::IncomingEvent(payload) = &delivery.event else {
        panic!("{:?}", delivery.event)
    };
    assert_eq!(payload.event, Event::Other(event.clone()));
    assert_eq!(payload.event.tag(), "video_call");
    assert!(!Event::KNOWN.contains(&"video_call"));
    assert_eq!(delivery.event.payload()["event"], event);

    let user = json!({"id": "bot-1", "type": "bot", "name": "Helper"});
    let parsed: ChatUser = serde_json::from_value(user.clone()).unwrap();
    assert_eq!(parsed, ChatUser::Other(user.clone()));
    assert_eq!(serde_json::to_value(&parsed).unwrap(), user);
}

#[test]
fn a_wrong_secret_is_refused_before_the_payload_is_read() {
    let good = delivery("group_deleted", json!({"id": 42}));
    let broken = delivery("group_deleted", json!({"id": "forty-two"}));
    for body in [&good, &broken] {
        for wrong in ["laudla991lamda0pnoaa1", "laudla991lamda0pnoaa", "x"] {
            assert_eq!(webhook::verify(body, wrong), Err(WebhookError::WrongSecret));
        }
        assert_eq!(webhook::verify(body, ""), Err(WebhookError::NoSecret));
    }
    assert!(webhook::verify(&good, SECRET).is_ok());
}

#[test]
fn a_known_action_with_another_payload_is_a_typed_error() {
    let cases = [
        (
            "group_deleted",
            json!({"id": "forty-two"}),
            "payload.id",
            "invalid type",
        ),
        ("group_deleted", json!({}), "payload", "missing field `id`"),
        (
            "agent_created",
            json!({"id": "smith@example.com"}),
            "payload",
            "missing field `name`",
        ),
        (
            "agent_created",
            json!({"id": "a@example.com", "name": "A", "groups": [{"id": 1, "priority": 7}]}),
            "payload.groups[0].priority",
            "invalid type",
        ),
        (
            "agent_deleted",
            json!(["smith@example.com"]),
            "payload",
            "expected a JSON object",
        ),
        (
            "auto_accesses_updated",
            json!({"id": "a"}),
            "payload",
            "expected a JSON array",
        ),
        (
            "auto_accesses_updated",
            json!([{"id": "a", "status": "added"}, {"id": "b"}]),
            "payload[1]",
            "missing field `status`",
        ),
        (
            "tag_updated",
            json!(null),
            "payload",
            "expected a JSON object",
        ),
        // Inside a union: the event's own field, and an event without its tag.
        (
            "incoming_event",
            json!({"chat_id": "C", "thread_id": "T", "event": {
                "id": "T_1", "type": "message", "created_at": "2019-12-09T12:01:18.909000Z",
                "author_id": "a@example.com", "visibility": "all", "text": 5}}),
            "payload.event",
            "invalid type: integer `5`, expected a string at `text`",
        ),
        (
            "incoming_event",
            json!({"chat_id": "C", "thread_id": "T", "event": {"id": "T_1", "text": "hi"}}),
            "payload.event",
            "missing field `type`",
        ),
        (
            "incoming_chat",
            json!({"chat": {"id": "C", "users": [{"id": "u", "type": 7}], "thread": {
                "id": "T", "active": true, "created_at": "2019-12-09T12:01:18.909000Z"}}}),
            "payload.chat.users[0]",
            "invalid type for `type`: a number, expected a string",
        ),
    ];
    for (action, payload, expected_path, expected_message) in cases {
        let body = delivery(action, payload.clone());
        match webhook::verify(&body, SECRET) {
            Err(WebhookError::UnexpectedPayload {
                action: named,
                path,
                message,
            }) => {
                assert_eq!(named, action);
                assert_eq!(path, expected_path, "{action} {payload}");
                assert!(message.contains(expected_message), "{message} ({payload})");
                let err = webhook::verify(&body, SECRET).unwrap_err();
                let shown = format!("{err} {err:?}");
                assert!(!shown.contains(SECRET), "{shown}");
                assert!(shown.contains(action), "{shown}");
            }
            other => panic!("{action} {payload}: expected UnexpectedPayload, got {other:?}"),
        }
    }
}

#[test]
fn debug_of_a_typed_delivery_masks_the_secret() {
    let body = delivery(
        "bot_deleted",
        json!({"id": "5c9871d5372c824cbf22d860a707a578"}),
    );
    let delivery = webhook::verify(&body, SECRET).unwrap();
    for shown in [format!("{delivery:?}"), format!("{delivery:#?}")] {
        assert!(!shown.contains(SECRET), "{shown}");
        assert!(shown.contains("\"****\""), "{shown}");
        assert!(
            shown.contains("5c9871d5372c824cbf22d860a707a578"),
            "{shown}"
        );
        assert!(shown.contains("BotDeleted"), "{shown}");
    }
}

#[test]
fn parse_then_verify_picks_the_secret_by_webhook_id() {
    let body = delivery("agent_approved", json!({"id": "smith@example.com"}));
    let envelope = webhook::parse(&body).unwrap();
    let secret = match envelope.webhook_id.as_str() {
        "pqi8oasdjahuakndw9nsad9na" => SECRET,
        _ => "another",
    };
    assert!(envelope.secret_matches(secret));
    assert!(!envelope.secret_matches(""));
    let delivery = webhook::Delivery::verify(envelope.clone(), secret).unwrap();
    match delivery.event {
        WebhookEvent::AgentApproved(p) => assert_eq!(p.id, "smith@example.com"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        webhook::Delivery::<WebhookEvent>::verify(envelope, "another").unwrap_err(),
        WebhookError::WrongSecret
    );
}

#[test]
fn a_typed_event_makes_the_delivery_it_came_from() {
    // What a sender (the emulator, a test double) does: build the envelope from a typed event.
    let event = WebhookEvent::GroupDeleted(livechat_config::GroupDeletedPayload::new(7));
    let envelope = livechat_config::WebhookEnvelope::new(
        "w1",
        SECRET,
        event.action(),
        "390e44e6-f1e6-0368c-z6ddb-74g14508c2ex",
        event.payload(),
    );
    let body = serde_json::to_vec(&envelope).unwrap();
    let delivery = webhook::verify(&body, SECRET).unwrap();
    assert_eq!(delivery.event, event);
    assert_eq!(delivery.envelope, envelope);
}

/// Cut short or with any byte replaced, a sample is a delivery or a typed error, never a panic,
/// and no error names the key.
#[test]
fn mangled_samples_never_panic() {
    let mut outcomes = [0usize; 2];
    for entry in std::fs::read_dir(reference_dir("3.6")).unwrap() {
        let body = std::fs::read(entry.unwrap().path()).unwrap();
        for at in 0..body.len() {
            let mut bodies = vec![body[..at].to_vec()];
            for byte in [b'0', b'"', b']', 0xff] {
                let mut mangled = body.clone();
                mangled[at] = byte;
                bodies.push(mangled);
            }
            for mangled in bodies {
                match webhook::verify(&mangled, SAMPLE_SECRET) {
                    Ok(_) => outcomes[0] += 1,
                    Err(err) => {
                        assert!(!format!("{err} {err:?}").contains(SAMPLE_SECRET));
                        outcomes[1] += 1;
                    }
                }
            }
        }
    }
    // Both outcomes happen: a changed letter in a name still verifies, a changed brace does not.
    assert!(outcomes[0] > 0 && outcomes[1] > 0, "{outcomes:?}");
}
