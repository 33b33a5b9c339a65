use crate::{emulator, kind};
use livechat_config::*;
use livechat_config_emulator::OWNER_ID;

#[tokio::test]
async fn general_exists_and_groups_round_trip() {
    let emu = emulator().await;
    let client = emu.client();
    let groups = client.list_groups().await.unwrap();
    assert_eq!(groups.len(), 1);
    assert_eq!((groups[0].id, groups[0].name.as_str()), (0, "General"));
    assert_eq!(groups[0].routing_status, None, "only with fields");

    let created = client
        .create_group("Sports shoes", [(OWNER_ID, Priority::Last)])
        .language_code("pl")
        .await
        .unwrap();
    assert_eq!(created.id, 1);
    let second = client
        .create_group("Boots", [(OWNER_ID, Priority::Normal)])
        .await
        .unwrap();
    assert_eq!(second.id, 2);

    let group = client
        .get_group(created.id)
        .fields([GroupField::AgentPriorities, GroupField::RoutingStatus])
        .await
        .unwrap();
    assert_eq!(group.name, "Sports shoes");
    assert_eq!(group.language_code.as_deref(), Some("pl"));
    assert_eq!(group.routing_status.as_deref(), Some("offline"));
    assert_eq!(group.agent_priorities.unwrap()[OWNER_ID], Priority::Last);

    client
        .update_group(created.id)
        .name("Sport shoes")
        .await
        .unwrap();
    let listed = client
        .list_groups()
        .fields([GroupField::AgentPriorities])
        .await
        .unwrap();
    let names: Vec<&str> = listed.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["General", "Sport shoes", "Boots"]);
    assert_eq!(
        listed[1].agent_priorities.as_ref().unwrap().len(),
        1,
        "untouched by a rename"
    );
}

#[tokio::test]
async fn agent_priorities_and_agents_groups_agree() {
    let emu = emulator().await;
    let client = emu.client();
    client.create_agent("a@example.com", "A").await.unwrap();
    client.create_agent("b@example.com", "B").await.unwrap();
    let group = client
        .create_group(
            "Team",
            [
                ("a@example.com", Priority::First),
                ("b@example.com", Priority::Normal),
            ],
        )
        .await
        .unwrap();
    let a = client
        .get_agent("a@example.com")
        .fields([AgentField::Groups])
        .await
        .unwrap();
    assert_eq!(
        a.groups.unwrap(),
        [
            GroupAssignment::new(0, Priority::Normal),
            GroupAssignment::new(group.id, Priority::First)
        ]
    );

    client
        .update_group(group.id)
        .agent_priorities([("b@example.com", Priority::Supervisor)])
        .await
        .unwrap();
    let a = client
        .get_agent("a@example.com")
        .fields([AgentField::Groups])
        .await
        .unwrap();
    assert_eq!(
        a.groups.unwrap(),
        [GroupAssignment::new(0, Priority::Normal)]
    );
    let b = client
        .get_agent("b@example.com")
        .fields([AgentField::Groups])
        .await
        .unwrap();
    assert!(b
        .groups
        .unwrap()
        .contains(&GroupAssignment::new(group.id, Priority::Supervisor)));

    client
        .update_agent("a@example.com")
        .groups([GroupAssignment::new(group.id, Priority::Last)])
        .await
        .unwrap();
    let team = client
        .get_group(group.id)
        .fields([GroupField::AgentPriorities])
        .await
        .unwrap();
    let priorities = team.agent_priorities.unwrap();
    assert_eq!(priorities["a@example.com"], Priority::Last);
    assert_eq!(priorities["b@example.com"], Priority::Supervisor);

    assert_eq!(
        kind(
            client
                .create_group("Ghosts", [("ghost@example.com", Priority::Normal)])
                .await
        ),
        ErrorKind::NotFound
    );
}

#[tokio::test]
async fn delete_removes_the_group_everywhere_but_general_stays() {
    let emu = emulator().await;
    let client = emu.client();
    let group = client
        .create_group("Temp", [(OWNER_ID, Priority::Normal)])
        .await
        .unwrap();
    client
        .create_tag("temp")
        .group_ids([0, group.id])
        .await
        .unwrap();
    client.delete_group(group.id).await.unwrap();
    assert_eq!(
        kind(client.get_group(group.id).await),
        ErrorKind::GroupNotFound
    );
    assert_eq!(
        kind(client.delete_group(group.id).await),
        ErrorKind::GroupNotFound
    );
    assert_eq!(
        kind(client.update_group(group.id).name("x").await),
        ErrorKind::GroupNotFound
    );
    let owner = client
        .get_agent(OWNER_ID)
        .fields([AgentField::Groups])
        .await
        .unwrap();
    assert_eq!(
        owner.groups.unwrap(),
        [GroupAssignment::new(0, Priority::Normal)]
    );
    let tags = client.list_tags().await.unwrap();
    assert_eq!(tags[0].group_ids, Some(vec![0]));
    assert_eq!(kind(client.delete_group(0).await), ErrorKind::Validation);
}
