//! Merging two records, as a user does in HubSpot: the primary survives, takes the secondary's
//! properties it lacks and its associations, and the secondary id answers as the primary.

use super::change::ChangeKind;
use super::portal::Portal;
use crate::error::{ApiError, ApiResult};
use crate::object_type::ObjectType;

/// Properties that describe the record itself and never move in a merge.
const OWN: [&str; 5] = [
    "hs_object_id",
    "createdate",
    "lastmodifieddate",
    "hs_lastmodifieddate",
    "hs_merged_object_ids",
];

impl Portal {
    pub fn merge(&mut self, object: ObjectType, primary: u64, secondary: u64) -> ApiResult<u64> {
        let primary = self.live_id(object, primary)?;
        let secondary = self.live_id(object, secondary)?;
        if primary == secondary {
            return Err(ApiError::validation("Cannot merge an object with itself"));
        }
        let moved = self.move_properties(object, primary, secondary);
        self.move_associations(object, primary, secondary);
        let now = self.ctx.now_ms;
        let table = self.table_mut(object);
        let secondary_props = table
            .records
            .get(&secondary)
            .map(|r| r.properties.clone())
            .unwrap_or_default();
        table.unindex(secondary);
        if let Some(record) = table.records.get_mut(&secondary) {
            record.archived_ms = Some(now);
        }
        table.mark_merged(secondary, primary);
        // The secondary's unique values (its email) now find the survivor, when free.
        for (name, value) in &secondary_props {
            if table.is_indexed(name) && table.find_unique(name, value).is_none() {
                table.reindex(primary, name, None, Some(value));
            }
        }
        if let Some(record) = table.records.get_mut(&primary) {
            let merged = match record.properties.get("hs_merged_object_ids") {
                Some(ids) if !ids.is_empty() => format!("{ids};{secondary}"),
                _ => secondary.to_string(),
            };
            record
                .properties
                .insert("hs_merged_object_ids".into(), merged);
            record
                .properties
                .insert(object.modified_property().into(), crate::clock::iso(now));
            record.updated_ms = now;
        }
        self.emit(
            object,
            primary,
            ChangeKind::Merge {
                merged: vec![secondary],
                new_id: primary,
                moved,
            },
        );
        Ok(primary)
    }

    fn move_properties(&mut self, object: ObjectType, primary: u64, secondary: u64) -> u64 {
        let table = self.table_mut(object);
        let from = table
            .records
            .get(&secondary)
            .map(|r| r.properties.clone())
            .unwrap_or_default();
        let Some(target) = table.records.get_mut(&primary) else {
            return 0;
        };
        let mut moved = 0;
        for (name, value) in from {
            if OWN.contains(&name.as_str()) || target.properties.contains_key(&name) {
                continue;
            }
            target.properties.insert(name, value);
            moved += 1;
        }
        moved
    }

    fn move_associations(&mut self, object: ObjectType, primary: u64, secondary: u64) {
        for to in ObjectType::ALL {
            for (to_id, kinds) in self.graph.targets((object, secondary), to) {
                self.graph.remove_pair((object, secondary), (to, to_id));
                if to == object && to_id == primary {
                    continue;
                }
                for kind in kinds {
                    self.graph.add((object, primary), (to, to_id), kind);
                }
            }
        }
    }
}
