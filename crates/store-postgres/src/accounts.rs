//! Users, sessions and API tokens in PostgreSQL.

use crate::{PgStore, insert_audit, pg};
use async_trait::async_trait;
use certguard_access::Role;
use certguard_store::{
    AccountStore, ApiTokenRecord, AuditRecord, NewUser, SessionRecord, StoreError, StoreResult, UserRecord,
};
use certguard_types::AuthorityCode;
use chrono::{DateTime, Utc};
use tokio_postgres::Row;

const USER_COLUMNS: &str = "id, username, display_name, password_hash, role, authority, disabled, created_at";

fn to_user(r: &Row) -> StoreResult<UserRecord> {
    let role: &str = r.get(4);
    let authority: Option<&str> = r.get(5);
    Ok(UserRecord {
        id: r.get(0),
        username: r.get(1),
        display_name: r.get(2),
        password_hash: r.get(3),
        role: Role::from_code(role).ok_or_else(|| StoreError::Corrupt(format!("role {role}")))?,
        authority: authority
            .map(|a| a.parse::<AuthorityCode>())
            .transpose()
            .map_err(|e| StoreError::Corrupt(format!("authority: {e}")))?,
        disabled: r.get(6),
        created_at: r.get(7),
    })
}

#[async_trait]
impl AccountStore for PgStore {
    async fn create_user(&self, u: &NewUser, audit: &AuditRecord) -> StoreResult<i64> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg)?;
        let row = tx
            .query_one(
                "INSERT INTO users (username, display_name, password_hash, role, authority, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                &[
                    &u.username,
                    &u.display_name,
                    &u.password_hash,
                    &u.role.code(),
                    &u.authority.as_ref().map(|a| a.as_str()),
                    &audit.at,
                ],
            )
            .await
            .map_err(|e| match pg(e) {
                StoreError::Conflict(_) => {
                    StoreError::Conflict(format!("user {} exists, or authority unknown", u.username))
                }
                other => other,
            })?;
        insert_audit(&tx, audit).await?;
        tx.commit().await.map_err(pg)?;
        Ok(row.get(0))
    }

    async fn user_by_name(&self, username: &str) -> StoreResult<Option<UserRecord>> {
        let row = self
            .client()
            .await?
            .query_opt(&format!("SELECT {USER_COLUMNS} FROM users WHERE username = $1"), &[&username])
            .await
            .map_err(pg)?;
        row.as_ref().map(to_user).transpose()
    }

    async fn user_by_id(&self, id: i64) -> StoreResult<Option<UserRecord>> {
        let row = self
            .client()
            .await?
            .query_opt(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"), &[&id])
            .await
            .map_err(pg)?;
        row.as_ref().map(to_user).transpose()
    }

    async fn users(&self) -> StoreResult<Vec<UserRecord>> {
        let rows = self
            .client()
            .await?
            .query(&format!("SELECT {USER_COLUMNS} FROM users ORDER BY id"), &[])
            .await
            .map_err(pg)?;
        rows.iter().map(to_user).collect()
    }

    async fn set_password(&self, user_id: i64, hash: &str, audit: &AuditRecord) -> StoreResult<()> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg)?;
        let n =
            tx.execute("UPDATE users SET password_hash = $2 WHERE id = $1", &[&user_id, &hash]).await.map_err(pg)?;
        if n == 0 {
            return Err(StoreError::NotFound(format!("user {user_id}")));
        }
        tx.execute("DELETE FROM sessions WHERE user_id = $1", &[&user_id]).await.map_err(pg)?;
        insert_audit(&tx, audit).await?;
        tx.commit().await.map_err(pg)
    }

    async fn create_session(&self, s: &SessionRecord) -> StoreResult<()> {
        let c = self.client().await?;
        c.execute(
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
            &[&s.token_hash, &s.user_id, &s.created_at, &s.expires_at],
        )
        .await
        .map_err(pg)?;
        c.execute("DELETE FROM sessions WHERE expires_at < $1", &[&s.created_at]).await.map_err(pg)?;
        Ok(())
    }

    async fn session(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<Option<(SessionRecord, UserRecord)>> {
        let c = self.client().await?;
        let st = c
            .prepare_cached(&format!(
                "SELECT s.token_hash, s.user_id, s.created_at, s.expires_at, {} FROM sessions s JOIN users u ON u.id = s.user_id
                 WHERE s.token_hash = $1 AND s.expires_at > $2 AND NOT u.disabled",
                USER_COLUMNS.split(", ").map(|c| format!("u.{c}")).collect::<Vec<_>>().join(", ")
            ))
            .await
            .map_err(pg)?;
        let Some(r) = c.query_opt(&st, &[&token_hash, &now]).await.map_err(pg)? else {
            return Ok(None);
        };
        let session =
            SessionRecord { token_hash: r.get(0), user_id: r.get(1), created_at: r.get(2), expires_at: r.get(3) };
        let user = UserRecord {
            id: r.get(4),
            username: r.get(5),
            display_name: r.get(6),
            password_hash: r.get(7),
            role: Role::from_code(r.get(8)).ok_or_else(|| StoreError::Corrupt("role".into()))?,
            authority: r
                .get::<_, Option<&str>>(9)
                .map(|a| a.parse())
                .transpose()
                .map_err(|e| StoreError::Corrupt(format!("authority: {e}")))?,
            disabled: r.get(10),
            created_at: r.get(11),
        };
        Ok(Some((session, user)))
    }

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        self.client().await?.execute("DELETE FROM sessions WHERE token_hash = $1", &[&token_hash]).await.map_err(pg)?;
        Ok(())
    }

    async fn create_api_token(
        &self,
        user_id: i64,
        name: &str,
        token_hash: &str,
        audit: &AuditRecord,
    ) -> StoreResult<i64> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg)?;
        let row = tx
            .query_one(
                "INSERT INTO api_tokens (name, user_id, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
                &[&name, &user_id, &token_hash, &audit.at],
            )
            .await
            .map_err(pg)?;
        insert_audit(&tx, audit).await?;
        tx.commit().await.map_err(pg)?;
        Ok(row.get(0))
    }

    async fn api_token(&self, token_hash: &str) -> StoreResult<Option<(ApiTokenRecord, UserRecord)>> {
        let c = self.client().await?;
        let Some(t) = c
            .query_opt(
                "SELECT id, name, user_id, token_hash, created_at FROM api_tokens WHERE token_hash = $1",
                &[&token_hash],
            )
            .await
            .map_err(pg)?
        else {
            return Ok(None);
        };
        let token = ApiTokenRecord {
            id: t.get(0),
            name: t.get(1),
            user_id: t.get(2),
            token_hash: t.get(3),
            created_at: t.get(4),
        };
        let Some(u) = c
            .query_opt(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1 AND NOT disabled"), &[&token.user_id])
            .await
            .map_err(pg)?
        else {
            return Ok(None);
        };
        Ok(Some((token, to_user(&u)?)))
    }
}
