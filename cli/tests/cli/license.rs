//! A populated license as a configuration file, shared by the tests.

use livechat_config_emulator::DEFAULT_CLIENT_ID;

pub const HOOK_ENV: &str = "CLI_TEST_HOOK_SECRET";
pub const HOOK_SECRET: &str = "hook-secret-never-printed";

pub fn base() -> String {
    r#"[[groups]]
name = "General"
language_code = "en"

[[groups]]
name = "Support"
language_code = "de"

[[agents]]
id = "owner@example.com"
name = "License Owner"
role = "owner"
groups = [{ group = "General", priority = "normal" }]

[[agents]]
id = "anna@example.com"
name = "Anna"
role = "administrator"
job_title = "Lead"
groups = [{ group = "Support", priority = "first" }, { group = "General", priority = "normal" }]
notifications = ["new_visitor"]
work_scheduler = { timezone = "Europe/Berlin", schedule = [{ day = "monday", enabled = true, start = "08:00", end = "16:00" }] }

[[agents]]
id = "ben@example.com"
name = "Ben"
groups = [{ group = "Support", priority = "normal" }]

[[bots]]
name = "Helper"
owner_client_id = "CLIENT"
groups = [{ group = "Support", priority = "normal" }]

[[bot_templates]]
name = "Greeter"
owner_client_id = "CLIENT"

[[tags]]
name = "vip"
groups = ["Support"]

[[tags]]
name = "spam"
groups = ["General"]

[[auto_access]]
description = "German"
access = { groups = ["Support"] }
conditions = { domain = { values = [{ value = "example.de" }] } }

[[auto_access]]
description = "Everyone else"
access = { groups = ["General"] }
conditions = { url = { values = [{ value = "example.com", exact_match = false }] } }

[[greetings]]
name = "Hello"
group = "Support"
type = "normal"
active = true
rules = [{ condition = "and", type = "visit_time_site", operator = "greater_or_equal", value = "30" }]

[[property_definitions]]
name = "tier"
owner_client_id = "CLIENT"
type = "string"
access = { license = { agent = ["read", "write"] }, group = { agent = ["read", "write"] } }
description = "Support tier"

[license_properties.CLIENT]
tier = "gold"

[[group_properties]]
group = "Support"
properties = { "CLIENT" = { tier = "silver" } }

[[webhooks]]
action = "agent_created"
url = "https://hooks.example.com/agents"
type = "license"
owner_client_id = "CLIENT"
secret_key = { env = "HOOK_ENV" }
"#
    .replace("CLIENT", DEFAULT_CLIENT_ID)
    .replace("HOOK_ENV", HOOK_ENV)
}
