//! The Deeto tab's two operations over the ports: opening a record, and asking Deeto for a
//! reference. The HTTP function verifies the request and hands it here.

use std::sync::Arc;

use tokio::time::Instant;

use super::pool::PoolKeeper;
use super::query::{CardQuery, CardUser};
use super::read::CardReader;
use super::refresh::{RefreshPolicy, Refresher};
use super::view::{
    CardAnswer, LinkAction, ObjectRef, ReadyView, RequestAnswer, RequestStatus, SetupNeeded,
    SyncState,
};
use crate::domain::ids::{ObjectId, PortalId};
use crate::domain::iso_time::iso;
use crate::ports::{
    BudgetProbe, CardState, Clock, JobQueue, PortalStatus, ReferencePools, StoreError, TenantStore,
    TicketStore,
};
use crate::sync::outbound::{OutboundMessage, ReferenceRequested};
use crate::sync::ports::{OutboundPublisher, RecordStore};
use crate::sync::record::{CrmObject, RecordKey, Role};
use crate::sync::worker::SyncWorker;
use crate::sync::{SyncConfig, SyncConfigSource};

/// Everything the tab talks to.
#[derive(Clone)]
pub struct CardService {
    pub tenants: Arc<dyn TenantStore>,
    pub configs: Arc<dyn SyncConfigSource>,
    pub records: Arc<dyn RecordStore>,
    pub tickets: Arc<dyn TicketStore>,
    pub state: Arc<dyn CardState>,
    /// Each portal's reference pool, which a deal's suggestions are matched against.
    pub pools: Arc<dyn ReferencePools>,
    pub budget: Arc<dyn BudgetProbe>,
    pub sync_queue: Arc<dyn JobQueue>,
    pub outbound: Arc<dyn OutboundPublisher>,
    /// Syncs stale records inline; `None` queues every on-demand sync.
    pub inline: Option<SyncWorker>,
    pub clock: Arc<dyn Clock>,
    /// Where an admin installs (or reinstalls) the app: the install route of this deployment.
    pub install_url: String,
    pub policy: RefreshPolicy,
}

impl std::fmt::Debug for CardService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CardService")
            .field("install_url", &self.install_url)
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CardError {
    #[error("{0}")]
    Store(#[from] StoreError),
    /// The portal is not installed or was disconnected (the action needs a live install).
    #[error("Deeto is not connected to HubSpot account {0}")]
    NotConnected(PortalId),
    #[error("{0}")]
    NotFound(String),
    #[error("the request could not be passed to Deeto: {0}")]
    Publish(StoreError),
}

/// A live install: its sync configuration. Otherwise, the state the tab shows instead.
enum Portal {
    Connected(Box<SyncConfig>),
    Setup(CardAnswer),
}

impl CardService {
    fn reader(&self, now_ms: i64) -> CardReader<'_> {
        CardReader {
            records: self.records.as_ref(),
            tickets: self.tickets.as_ref(),
            state: self.state.as_ref(),
            pools: PoolKeeper {
                records: self.records.as_ref(),
                tickets: self.tickets.as_ref(),
                pools: self.pools.as_ref(),
                sync_queue: self.sync_queue.as_ref(),
            },
            now_ms,
        }
    }

    /// `GET /card`: what the tab shows for the record, after triggering its on-demand sync.
    /// `started` is when the request arrived: the inline sync's time budget counts from it.
    pub async fn open(&self, query: &CardQuery, started: Instant) -> Result<CardAnswer, CardError> {
        let config = match self.portal(query.portal).await? {
            Portal::Connected(config) => config,
            Portal::Setup(answer) => return Ok(answer),
        };
        let key = RecordKey::new(query.portal, query.object, query.object_id);
        let now = self.clock.now_ms();
        let reader = self.reader(now);
        let before = reader.record(key.portal, key.object, key.object_id).await?;
        let refresher = Refresher {
            state: self.state.as_ref(),
            budget: self.budget.as_ref(),
            sync_queue: self.sync_queue.as_ref(),
            inline: self.inline.as_ref(),
            policy: self.policy,
        };
        let last_sync = before.as_ref().and_then(|r| r.last_sync_ms);
        let status = refresher.run(key, last_sync, &config, now, started).await;
        // Read again only if the inline sync may have changed it.
        let record = match status {
            super::view::SyncStatus::Synced => {
                reader.record(key.portal, key.object, key.object_id).await?
            }
            _ => before,
        };
        let view = reader
            .view(
                record.as_ref(),
                key.portal,
                (key.object, key.object_id),
                &config.closed_stages,
                &query.hints,
            )
            .await?;
        Ok(CardAnswer::Ready(ReadyView {
            object: ObjectRef {
                kind: key.object.to_string(),
                id: key.object_id.to_string(),
            },
            sync: SyncState {
                status,
                last_synced_at: record.and_then(|r| r.last_sync_ms).map(iso),
            },
            record: view,
        }))
    }

    /// `POST /card/actions/request-reference`: asks the Deeto platform for this reference on
    /// this deal, once; asking again answers `already_requested`.
    pub async fn request_reference(
        &self,
        portal: PortalId,
        user: &CardUser,
        deal: ObjectId,
        reference: ObjectId,
    ) -> Result<RequestAnswer, CardError> {
        if !matches!(self.portal(portal).await?, Portal::Connected(_)) {
            return Err(CardError::NotConnected(portal));
        }
        let contact = (self
            .records
            .get_many(portal, CrmObject::Contact, &[reference])
            .await?)
            .pop()
            .filter(|c| !c.is_gone() && c.has_role(Role::Reference))
            .ok_or_else(|| {
                CardError::NotFound(format!("contact {reference} is not a Deeto reference"))
            })?;
        let name = super::person::name(&contact);
        let request_id = format!("req_{portal}_{deal}_{reference}");
        if self.state.is_requested(portal, deal, reference).await? {
            return Ok(RequestAnswer {
                status: RequestStatus::AlreadyRequested,
                request_id,
                message: format!("{name} was already requested for this deal; Deeto is on it."),
            });
        }
        let deal_record = self
            .records
            .get_many(portal, CrmObject::Deal, &[deal])
            .await?
            .pop();
        let now = self.clock.now_ms();
        let message = OutboundMessage::ReferenceRequestedV1(ReferenceRequested {
            portal_id: portal,
            deal_id: deal,
            deal_deeto_id: deal_record.and_then(|d| d.deeto_id),
            reference_contact_id: reference,
            reference_deeto_id: contact.deeto_id.clone(),
            requested_by_user_id: user.id.clone(),
            requested_by_email: user.email.clone(),
            requested_at: now,
        });
        // Published first, recorded second: a crash in between publishes again on the next
        // click (the platform dedupes on the message's key) instead of losing the request.
        self.outbound
            .publish(&[message])
            .await
            .map_err(CardError::Publish)?;
        self.state
            .record_request(portal, deal, reference, now)
            .await?;
        Ok(RequestAnswer {
            status: RequestStatus::Requested,
            request_id,
            message: format!("Deeto will ask {name} to help with this deal."),
        })
    }

    async fn portal(&self, portal: PortalId) -> Result<Portal, CardError> {
        let binding = self.tenants.portal(portal).await?;
        let action = |label: &str| LinkAction {
            label: label.to_owned(),
            url: self.install_url.clone(),
        };
        let binding = match binding {
            Some(b) if b.status == PortalStatus::Connected => b,
            Some(b) if b.status == PortalStatus::Disconnected => {
                return Ok(Portal::Setup(CardAnswer::Reconnect(SetupNeeded {
                    title: "Deeto lost access to this HubSpot account".into(),
                    message: "The HubSpot authorization was removed or expired. A HubSpot admin \
                        can reconnect Deeto with the install link from Deeto; nothing is lost."
                        .into(),
                    action: action("Reconnect Deeto"),
                })));
            }
            _ => {
                return Ok(Portal::Setup(CardAnswer::NotInstalled(SetupNeeded {
                    title: "Deeto is not connected to this HubSpot account".into(),
                    message: "Ask your HubSpot admin to install Deeto with the install link \
                        from your Deeto account."
                        .into(),
                    action: action("Install Deeto"),
                })));
            }
        };
        let config = self.configs.config(&binding.tenant_id).await?;
        Ok(Portal::Connected(Box::new(config)))
    }
}
