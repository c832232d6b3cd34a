//! [`TenantStore`] over DynamoDB. A tenant, its licence-key index, its entry in the tenant
//! list and its portal binding are items written together in transactions, so a portal can
//! never be bound twice.

use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{Delete, Put, TransactWriteItem, Update};

use super::item::{
    Item, get_bool, get_list_s, get_n, get_s, is_condition_failure, list_s, n, require_s, s,
    unavailable,
};
use super::portal_pk;
use crate::domain::ids::{PortalId, TenantId};
use crate::ports::{PortalBinding, StoreError, Tenant, TenantStatus, TenantStore};

#[derive(Debug, Clone)]
pub struct DynamoTenantStore {
    client: Client,
    table: String,
}

impl DynamoTenantStore {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    async fn get(&self, pk: String, sk: &str) -> Result<Option<Item>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(pk))
            .key("sk", s(sk))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| unavailable("GetItem", e))?;
        Ok(out.item)
    }
}

/// The partition listing every tenant (one item each, sort key the tenant's key), so listing
/// them never scans the table.
const TENANT_INDEX_PK: &str = "TENANTS";

fn tenant_pk(id: &TenantId) -> String {
    format!("TENANT#{id}")
}

fn license_pk(hash: &str) -> String {
    format!("LICENSE#{hash}")
}

fn tenant_from(item: &Item) -> Result<Tenant, StoreError> {
    let status = require_s(item, "status")?;
    Ok(Tenant {
        id: TenantId(require_s(item, "tenant_id")?),
        name: get_s(item, "name").unwrap_or_default(),
        status: TenantStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("unknown status {status}")))?,
        license_active: get_bool(item, "license_active").unwrap_or(false),
        portal_id: get_n(item, "portal_id").map(|p| PortalId(p as u64)),
        scopes: get_list_s(item, "scopes"),
        installed_at_ms: get_n(item, "installed_at_ms"),
        status_reason: get_s(item, "status_reason"),
        status_changed_at_ms: get_n(item, "status_changed_at_ms"),
    })
}

fn binding_from(item: &Item) -> Result<PortalBinding, StoreError> {
    let status = require_s(item, "status")?;
    Ok(PortalBinding {
        portal_id: PortalId(get_n(item, "portal_id").unwrap_or_default() as u64),
        tenant_id: TenantId(require_s(item, "tenant_id")?),
        status: TenantStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("unknown status {status}")))?,
        reason: get_s(item, "status_reason"),
        changed_at_ms: get_n(item, "status_changed_at_ms"),
    })
}

fn build<T, E: std::fmt::Display>(result: Result<T, E>) -> Result<T, StoreError> {
    result.map_err(|e| StoreError::Unavailable(format!("request could not be built: {e}")))
}

#[async_trait]
impl TenantStore for DynamoTenantStore {
    async fn create_tenant(&self, tenant: &Tenant, license_hash: &str) -> Result<(), StoreError> {
        let tenant_item = build(
            Put::builder()
                .table_name(&self.table)
                .item("pk", s(tenant_pk(&tenant.id)))
                .item("sk", s("TENANT"))
                .item("tenant_id", s(tenant.id.0.clone()))
                .item("name", s(tenant.name.clone()))
                .item("status", s(tenant.status.as_str()))
                .item(
                    "license_active",
                    aws_sdk_dynamodb::types::AttributeValue::Bool(tenant.license_active),
                )
                .item("license_hash", s(license_hash))
                .condition_expression("attribute_not_exists(pk)")
                .build(),
        )?;
        let license_item = build(
            Put::builder()
                .table_name(&self.table)
                .item("pk", s(license_pk(license_hash)))
                .item("sk", s("LICENSE"))
                .item("tenant_id", s(tenant.id.0.clone()))
                .condition_expression("attribute_not_exists(pk)")
                .build(),
        )?;
        let index_item = build(
            Put::builder()
                .table_name(&self.table)
                .item("pk", s(TENANT_INDEX_PK))
                .item("sk", s(tenant_pk(&tenant.id)))
                .item("tenant_id", s(tenant.id.0.clone()))
                .condition_expression("attribute_not_exists(pk)")
                .build(),
        )?;
        self.client
            .transact_write_items()
            .transact_items(TransactWriteItem::builder().put(tenant_item).build())
            .transact_items(TransactWriteItem::builder().put(license_item).build())
            .transact_items(TransactWriteItem::builder().put(index_item).build())
            .send()
            .await
            .map_err(|e| {
                if is_condition_failure(&e) {
                    StoreError::Conflict(format!("tenant {} or its key exists", tenant.id))
                } else {
                    unavailable("TransactWriteItems", e)
                }
            })?;
        Ok(())
    }

    async fn tenant_by_license(&self, license_hash: &str) -> Result<Option<Tenant>, StoreError> {
        let Some(index) = self.get(license_pk(license_hash), "LICENSE").await? else {
            return Ok(None);
        };
        self.tenant(&TenantId(require_s(&index, "tenant_id")?))
            .await
    }

    async fn tenant(&self, id: &TenantId) -> Result<Option<Tenant>, StoreError> {
        self.get(tenant_pk(id), "TENANT")
            .await?
            .as_ref()
            .map(tenant_from)
            .transpose()
    }

    async fn list_tenants(&self) -> Result<Vec<Tenant>, StoreError> {
        // The index partition, not a Scan: the table also holds every portal's records.
        let mut pages = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", s(TENANT_INDEX_PK))
            .into_paginator()
            .items()
            .send();
        let mut ids = Vec::new();
        while let Some(item) = pages.next().await {
            let item = item.map_err(|e| unavailable("Query", e))?;
            ids.push(TenantId(require_s(&item, "tenant_id")?));
        }
        let mut tenants = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(25) {
            let found = futures::future::try_join_all(chunk.iter().map(|id| self.tenant(id)));
            tenants.extend(found.await?.into_iter().flatten());
        }
        tenants.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
        Ok(tenants)
    }

    async fn bind_portal(
        &self,
        tenant: &TenantId,
        portal: PortalId,
        scopes: &[String],
        at_ms: i64,
    ) -> Result<(), StoreError> {
        let binding = build(
            Put::builder()
                .table_name(&self.table)
                .item("pk", s(portal_pk(portal)))
                .item("sk", s("TENANT"))
                .item("portal_id", n(portal.0))
                .item("tenant_id", s(tenant.0.clone()))
                .item("status", s(TenantStatus::Connected.as_str()))
                .item("status_changed_at_ms", n(at_ms))
                .condition_expression("attribute_not_exists(pk) OR tenant_id = :tenant")
                .expression_attribute_values(":tenant", s(tenant.0.clone()))
                .build(),
        )?;
        let tenant_update = build(
            Update::builder()
                .table_name(&self.table)
                .key("pk", s(tenant_pk(tenant)))
                .key("sk", s("TENANT"))
                .update_expression("SET #status = :connected, portal_id = :portal, scopes = :scopes, installed_at_ms = :at, status_changed_at_ms = :at REMOVE status_reason")
                .condition_expression("attribute_exists(pk)")
                .expression_attribute_names("#status", "status")
                .expression_attribute_values(":connected", s(TenantStatus::Connected.as_str()))
                .expression_attribute_values(":portal", n(portal.0))
                .expression_attribute_values(":scopes", list_s(scopes))
                .expression_attribute_values(":at", n(at_ms))
                .build(),
        )?;
        self.client
            .transact_write_items()
            .transact_items(TransactWriteItem::builder().put(binding).build())
            .transact_items(TransactWriteItem::builder().update(tenant_update).build())
            .send()
            .await
            .map_err(|e| {
                if is_condition_failure(&e) {
                    StoreError::Conflict(format!("portal {portal} belongs to another tenant"))
                } else {
                    unavailable("TransactWriteItems", e)
                }
            })?;
        Ok(())
    }

    async fn portal(&self, portal: PortalId) -> Result<Option<PortalBinding>, StoreError> {
        self.get(portal_pk(portal), "TENANT")
            .await?
            .as_ref()
            .map(binding_from)
            .transpose()
    }

    async fn mark_disconnected(
        &self,
        portal: PortalId,
        reason: &str,
        at_ms: i64,
    ) -> Result<(), StoreError> {
        let Some(binding) = self.portal(portal).await? else {
            return Ok(());
        };
        for (pk, sk) in [
            (portal_pk(portal), "TENANT"),
            (tenant_pk(&binding.tenant_id), "TENANT"),
        ] {
            self.client
                .update_item()
                .table_name(&self.table)
                .key("pk", s(pk))
                .key("sk", s(sk))
                .update_expression("SET #status = :disconnected, status_reason = :reason, status_changed_at_ms = :at")
                .condition_expression("attribute_exists(pk)")
                .expression_attribute_names("#status", "status")
                .expression_attribute_values(":disconnected", s(TenantStatus::Disconnected.as_str()))
                .expression_attribute_values(":reason", s(reason))
                .expression_attribute_values(":at", n(at_ms))
                .send()
                .await
                .map_err(|e| unavailable("UpdateItem", e))?;
        }
        Ok(())
    }

    async fn rotate_license(&self, id: &TenantId, new_hash: &str) -> Result<(), StoreError> {
        let tenant = self
            .get(tenant_pk(id), "TENANT")
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("no tenant {id}")))?;
        let old_hash = require_s(&tenant, "license_hash")?;
        // The tenant item still holds the old hash, so a concurrent rotation fails cleanly.
        let tenant_update = build(
            Update::builder()
                .table_name(&self.table)
                .key("pk", s(tenant_pk(id)))
                .key("sk", s("TENANT"))
                .update_expression("SET license_hash = :new, license_active = :yes")
                .condition_expression("license_hash = :old")
                .expression_attribute_values(":new", s(new_hash))
                .expression_attribute_values(":old", s(old_hash.clone()))
                .expression_attribute_values(
                    ":yes",
                    aws_sdk_dynamodb::types::AttributeValue::Bool(true),
                )
                .build(),
        )?;
        let old_index = build(
            Delete::builder()
                .table_name(&self.table)
                .key("pk", s(license_pk(&old_hash)))
                .key("sk", s("LICENSE"))
                .build(),
        )?;
        let new_index = build(
            Put::builder()
                .table_name(&self.table)
                .item("pk", s(license_pk(new_hash)))
                .item("sk", s("LICENSE"))
                .item("tenant_id", s(id.0.clone()))
                .condition_expression("attribute_not_exists(pk)")
                .build(),
        )?;
        self.client
            .transact_write_items()
            .transact_items(TransactWriteItem::builder().update(tenant_update).build())
            .transact_items(TransactWriteItem::builder().delete(old_index).build())
            .transact_items(TransactWriteItem::builder().put(new_index).build())
            .send()
            .await
            .map_err(|e| {
                if is_condition_failure(&e) {
                    StoreError::Conflict(format!("tenant {id}'s key changed meanwhile; try again"))
                } else {
                    unavailable("TransactWriteItems", e)
                }
            })?;
        Ok(())
    }

    async fn revoke_license(&self, id: &TenantId) -> Result<(), StoreError> {
        self.client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(tenant_pk(id)))
            .key("sk", s("TENANT"))
            .update_expression("SET license_active = :no")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(
                ":no",
                aws_sdk_dynamodb::types::AttributeValue::Bool(false),
            )
            .send()
            .await
            .map_err(|e| {
                if is_condition_failure(&e) {
                    StoreError::Corrupt(format!("no tenant {id}"))
                } else {
                    unavailable("UpdateItem", e)
                }
            })?;
        Ok(())
    }
}
