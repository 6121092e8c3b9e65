//! Back-office accounts: users, sessions and API tokens (only hashes of secrets are stored).

use crate::{AuditRecord, StoreResult};
use async_trait::async_trait;
use certguard_access::Role;
use certguard_types::AuthorityCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRecord {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: Role,
    pub authority: Option<AuthorityCode>,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: Role,
    pub authority: Option<AuthorityCode>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRecord {
    /// SHA-256 of the cookie value, hex: a stolen database does not yield live sessions.
    pub token_hash: String,
    pub user_id: i64,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiTokenRecord {
    pub id: i64,
    pub name: String,
    pub user_id: i64,
    pub token_hash: String,
    pub created_at: DateTime<Utc>,
}

/// Users, their sessions and API tokens.
#[async_trait]
pub trait AccountStore: Send + Sync {
    async fn create_user(&self, user: &NewUser, audit: &AuditRecord) -> StoreResult<i64>;
    async fn user_by_name(&self, username: &str) -> StoreResult<Option<UserRecord>>;
    async fn user_by_id(&self, id: i64) -> StoreResult<Option<UserRecord>>;
    async fn users(&self) -> StoreResult<Vec<UserRecord>>;
    async fn set_password(&self, user_id: i64, password_hash: &str, audit: &AuditRecord) -> StoreResult<()>;

    async fn create_session(&self, session: &SessionRecord) -> StoreResult<()>;
    /// The session and its user, if the session exists, is not expired at `now`, and the user is enabled.
    async fn session(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<Option<(SessionRecord, UserRecord)>>;
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;

    async fn create_api_token(
        &self,
        user_id: i64,
        name: &str,
        token_hash: &str,
        audit: &AuditRecord,
    ) -> StoreResult<i64>;
    async fn api_token(&self, token_hash: &str) -> StoreResult<Option<(ApiTokenRecord, UserRecord)>>;
}
