//! Ticket and deal pipelines with their stages. Portals start with HubSpot's defaults (ticket
//! pipeline `0` with stages `1`..`4`, deal pipeline `default`); fixtures can add more.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::clock::iso;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Stage {
    pub id: String,
    pub label: String,
    #[serde(default)]
    pub display_order: i64,
    /// `ticketState` (`OPEN`/`CLOSED`) for tickets; `probability`, `isClosed` for deals.
    #[serde(default)]
    pub metadata: serde_json::Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pipeline {
    pub id: String,
    pub label: String,
    #[serde(default)]
    pub display_order: i64,
    pub stages: Vec<Stage>,
}

impl Pipeline {
    pub fn stage(&self, id: &str) -> Option<&Stage> {
        self.stages.iter().find(|s| s.id == id)
    }

    pub fn to_json(&self, created_ms: i64) -> Value {
        json!({
            "id": self.id,
            "label": self.label,
            "displayOrder": self.display_order,
            "stages": self.stages.iter().map(|s| stage_json(s, created_ms)).collect::<Vec<_>>(),
            "createdAt": iso(created_ms),
            "updatedAt": iso(created_ms),
            "archived": false,
        })
    }
}

pub fn stage_json(stage: &Stage, created_ms: i64) -> Value {
    json!({
        "id": stage.id,
        "label": stage.label,
        "displayOrder": stage.display_order,
        "metadata": stage.metadata,
        "createdAt": iso(created_ms),
        "updatedAt": iso(created_ms),
        "archived": false,
        "writePermissions": "CRM_PERMISSIONS_ENFORCEMENT",
    })
}

fn stage(id: &str, label: &str, order: i64, metadata: Value) -> Stage {
    let metadata = match metadata {
        Value::Object(map) => map,
        _ => serde_json::Map::new(),
    };
    Stage {
        id: id.into(),
        label: label.into(),
        display_order: order,
        metadata,
    }
}

pub fn default_ticket_pipeline() -> Pipeline {
    let open = json!({ "ticketState": "OPEN" });
    Pipeline {
        id: "0".into(),
        label: "Support Pipeline".into(),
        display_order: 0,
        stages: vec![
            stage("1", "New", 0, open.clone()),
            stage("2", "Waiting on contact", 1, open.clone()),
            stage("3", "Waiting on us", 2, open),
            stage("4", "Closed", 3, json!({ "ticketState": "CLOSED" })),
        ],
    }
}

pub fn default_deal_pipeline() -> Pipeline {
    let open = |p: &str| json!({ "isClosed": "false", "probability": p });
    Pipeline {
        id: "default".into(),
        label: "Sales Pipeline".into(),
        display_order: 0,
        stages: vec![
            stage(
                "appointmentscheduled",
                "Appointment Scheduled",
                0,
                open("0.2"),
            ),
            stage("qualifiedtobuy", "Qualified To Buy", 1, open("0.4")),
            stage(
                "presentationscheduled",
                "Presentation Scheduled",
                2,
                open("0.6"),
            ),
            stage(
                "decisionmakerboughtin",
                "Decision Maker Bought-In",
                3,
                open("0.8"),
            ),
            stage("contractsent", "Contract Sent", 4, open("0.9")),
            stage(
                "closedwon",
                "Closed Won",
                5,
                json!({ "isClosed": "true", "probability": "1.0" }),
            ),
            stage(
                "closedlost",
                "Closed Lost",
                6,
                json!({ "isClosed": "true", "probability": "0.0" }),
            ),
        ],
    }
}
