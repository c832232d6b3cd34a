//! In-memory tenant store and OAuth state store.

use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;

use crate::domain::ids::{PortalId, TenantId};
use crate::ports::{
    OAuthStateStore, PortalBinding, StateError, StoreError, Tenant, TenantStatus, TenantStore,
};

#[derive(Debug, Default)]
pub struct MemoryTenantStore {
    inner: Mutex<TenantsInner>,
}

#[derive(Debug, Default)]
struct TenantsInner {
    tenants: HashMap<TenantId, Tenant>,
    licenses: HashMap<String, TenantId>,
    portals: HashMap<PortalId, PortalBinding>,
}

fn poisoned() -> StoreError {
    StoreError::Unavailable("lock poisoned".into())
}

#[async_trait]
impl TenantStore for MemoryTenantStore {
    async fn create_tenant(&self, tenant: &Tenant, license_hash: &str) -> Result<(), StoreError> {
        let mut inner = self.inner.lock().map_err(|_| poisoned())?;
        if inner.tenants.contains_key(&tenant.id) || inner.licenses.contains_key(license_hash) {
            return Err(StoreError::Conflict(format!("tenant {} exists", tenant.id)));
        }
        inner
            .licenses
            .insert(license_hash.to_owned(), tenant.id.clone());
        inner.tenants.insert(tenant.id.clone(), tenant.clone());
        Ok(())
    }

    async fn tenant_by_license(&self, license_hash: &str) -> Result<Option<Tenant>, StoreError> {
        let inner = self.inner.lock().map_err(|_| poisoned())?;
        Ok(inner
            .licenses
            .get(license_hash)
            .and_then(|id| inner.tenants.get(id))
            .cloned())
    }

    async fn tenant(&self, id: &TenantId) -> Result<Option<Tenant>, StoreError> {
        Ok(self
            .inner
            .lock()
            .map_err(|_| poisoned())?
            .tenants
            .get(id)
            .cloned())
    }

    async fn list_tenants(&self) -> Result<Vec<Tenant>, StoreError> {
        let mut all: Vec<Tenant> = self
            .inner
            .lock()
            .map_err(|_| poisoned())?
            .tenants
            .values()
            .cloned()
            .collect();
        all.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(all)
    }

    async fn bind_portal(
        &self,
        tenant: &TenantId,
        portal: PortalId,
        scopes: &[String],
        at_ms: i64,
    ) -> Result<(), StoreError> {
        let mut inner = self.inner.lock().map_err(|_| poisoned())?;
        if let Some(existing) = inner.portals.get(&portal)
            && &existing.tenant_id != tenant
        {
            return Err(StoreError::Conflict(format!(
                "portal {portal} belongs to another tenant"
            )));
        }
        let record = inner
            .tenants
            .get_mut(tenant)
            .ok_or_else(|| StoreError::Corrupt(format!("no tenant {tenant}")))?;
        record.status = TenantStatus::Connected;
        record.portal_id = Some(portal);
        record.scopes = scopes.to_vec();
        record.installed_at_ms = Some(at_ms);
        record.status_reason = None;
        record.status_changed_at_ms = Some(at_ms);
        let binding = PortalBinding {
            portal_id: portal,
            tenant_id: tenant.clone(),
            status: TenantStatus::Connected,
            reason: None,
            changed_at_ms: Some(at_ms),
        };
        inner.portals.insert(portal, binding);
        Ok(())
    }

    async fn portal(&self, portal: PortalId) -> Result<Option<PortalBinding>, StoreError> {
        Ok(self
            .inner
            .lock()
            .map_err(|_| poisoned())?
            .portals
            .get(&portal)
            .cloned())
    }

    async fn mark_disconnected(
        &self,
        portal: PortalId,
        reason: &str,
        at_ms: i64,
    ) -> Result<(), StoreError> {
        let mut inner = self.inner.lock().map_err(|_| poisoned())?;
        let Some(binding) = inner.portals.get_mut(&portal) else {
            return Ok(());
        };
        binding.status = TenantStatus::Disconnected;
        binding.reason = Some(reason.to_owned());
        binding.changed_at_ms = Some(at_ms);
        let tenant_id = binding.tenant_id.clone();
        if let Some(tenant) = inner.tenants.get_mut(&tenant_id) {
            tenant.status = TenantStatus::Disconnected;
            tenant.status_reason = Some(reason.to_owned());
            tenant.status_changed_at_ms = Some(at_ms);
        }
        Ok(())
    }

    async fn rotate_license(&self, id: &TenantId, new_hash: &str) -> Result<(), StoreError> {
        let mut inner = self.inner.lock().map_err(|_| poisoned())?;
        if !inner.tenants.contains_key(id) {
            return Err(StoreError::Corrupt(format!("no tenant {id}")));
        }
        if inner.licenses.contains_key(new_hash) {
            return Err(StoreError::Conflict("licence key already in use".into()));
        }
        inner.licenses.retain(|_, owner| owner != id);
        inner.licenses.insert(new_hash.to_owned(), id.clone());
        if let Some(tenant) = inner.tenants.get_mut(id) {
            tenant.license_active = true;
        }
        Ok(())
    }

    async fn revoke_license(&self, id: &TenantId) -> Result<(), StoreError> {
        let mut inner = self.inner.lock().map_err(|_| poisoned())?;
        let tenant = inner
            .tenants
            .get_mut(id)
            .ok_or_else(|| StoreError::Corrupt(format!("no tenant {id}")))?;
        tenant.license_active = false;
        Ok(())
    }
}

#[derive(Debug, Default)]
pub struct MemoryOAuthStateStore {
    states: Mutex<HashMap<String, (TenantId, i64, bool)>>,
}

#[async_trait]
impl OAuthStateStore for MemoryOAuthStateStore {
    async fn put(
        &self,
        state: &str,
        tenant: &TenantId,
        expires_at_ms: i64,
    ) -> Result<(), StoreError> {
        self.states
            .lock()
            .map_err(|_| poisoned())?
            .insert(state.to_owned(), (tenant.clone(), expires_at_ms, false));
        Ok(())
    }

    async fn consume(&self, state: &str, now_ms: i64) -> Result<TenantId, StateError> {
        let mut states = self.states.lock().map_err(|_| poisoned())?;
        let (tenant, expires_at, used) = states.get_mut(state).ok_or(StateError::Unknown)?;
        if *used {
            return Err(StateError::AlreadyUsed);
        }
        if now_ms >= *expires_at {
            return Err(StateError::Expired);
        }
        *used = true;
        Ok(tenant.clone())
    }
}
