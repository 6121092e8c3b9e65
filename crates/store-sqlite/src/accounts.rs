//! Users, sessions and API tokens in SQLite.

use crate::{SqliteStore, backend, insert_audit, parse_ts, ts, unique_violation};
use async_trait::async_trait;
use certguard_access::Role;
use certguard_store::{
    AccountStore, ApiTokenRecord, AuditRecord, NewUser, SessionRecord, StoreError, StoreResult, UserRecord,
};
use certguard_types::AuthorityCode;
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row, params};

const USER_COLUMNS: &str = "id, username, display_name, password_hash, role, authority, disabled, created_at";

fn user_from_row(r: &Row<'_>) -> rusqlite::Result<RawUser> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?))
}

type RawUser = (i64, String, String, String, String, Option<String>, bool, String);

fn to_user(raw: RawUser) -> StoreResult<UserRecord> {
    Ok(UserRecord {
        id: raw.0,
        username: raw.1,
        display_name: raw.2,
        password_hash: raw.3,
        role: Role::from_code(&raw.4).ok_or_else(|| StoreError::Corrupt(format!("role {}", raw.4)))?,
        authority: raw
            .5
            .map(|a| a.parse::<AuthorityCode>())
            .transpose()
            .map_err(|e| StoreError::Corrupt(format!("authority: {e}")))?,
        disabled: raw.6,
        created_at: parse_ts(&raw.7)?,
    })
}

#[async_trait]
impl AccountStore for SqliteStore {
    async fn create_user(&self, u: &NewUser, audit: &AuditRecord) -> StoreResult<i64> {
        let (u, audit) = (u.clone(), audit.clone());
        self.write(move |c| {
            let tx = c.transaction().map_err(backend)?;
            tx.execute(
                "INSERT INTO users (username, display_name, password_hash, role, authority, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![u.username, u.display_name, u.password_hash, u.role.code(), u.authority.as_ref().map(|a| a.as_str()), ts(&audit.at)],
            )
            .map_err(|e| {
                if unique_violation(&e) {
                    StoreError::Conflict(format!("user {} exists, or authority unknown", u.username))
                } else {
                    backend(e)
                }
            })?;
            let id = tx.last_insert_rowid();
            insert_audit(&tx, &audit).map_err(backend)?;
            tx.commit().map_err(backend)?;
            Ok(id)
        })
        .await
    }

    async fn user_by_name(&self, username: &str) -> StoreResult<Option<UserRecord>> {
        self.read(|c| {
            c.prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users WHERE username = ?1"))
                .map_err(backend)?
                .query_row([username], user_from_row)
                .optional()
                .map_err(backend)?
                .map(to_user)
                .transpose()
        })
    }

    async fn user_by_id(&self, id: i64) -> StoreResult<Option<UserRecord>> {
        self.read(|c| {
            c.prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"))
                .map_err(backend)?
                .query_row([id], user_from_row)
                .optional()
                .map_err(backend)?
                .map(to_user)
                .transpose()
        })
    }

    async fn users(&self) -> StoreResult<Vec<UserRecord>> {
        self.read(|c| {
            let mut st = c.prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users ORDER BY id")).map_err(backend)?;
            let rows = st.query_map([], user_from_row).map_err(backend)?;
            rows.map(|r| to_user(r.map_err(backend)?)).collect()
        })
    }

    async fn set_password(&self, user_id: i64, hash: &str, audit: &AuditRecord) -> StoreResult<()> {
        let (hash, audit) = (hash.to_string(), audit.clone());
        self.write(move |c| {
            let tx = c.transaction().map_err(backend)?;
            let n = tx
                .execute("UPDATE users SET password_hash = ?2 WHERE id = ?1", params![user_id, hash])
                .map_err(backend)?;
            if n == 0 {
                return Err(StoreError::NotFound(format!("user {user_id}")));
            }
            tx.execute("DELETE FROM sessions WHERE user_id = ?1", [user_id]).map_err(backend)?;
            insert_audit(&tx, &audit).map_err(backend)?;
            tx.commit().map_err(backend)
        })
        .await
    }

    async fn create_session(&self, s: &SessionRecord) -> StoreResult<()> {
        let s = s.clone();
        self.write(move |c| {
            c.execute(
                "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
                params![s.token_hash, s.user_id, ts(&s.created_at), ts(&s.expires_at)],
            )
            .map_err(backend)?;
            // Expired sessions are swept whenever a new one starts.
            c.execute("DELETE FROM sessions WHERE expires_at < ?1", [ts(&s.created_at)]).map_err(backend)?;
            Ok(())
        })
        .await
    }

    async fn session(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<Option<(SessionRecord, UserRecord)>> {
        self.read(|c| {
            let row = c
                .prepare_cached("SELECT token_hash, user_id, created_at, expires_at FROM sessions WHERE token_hash = ?1 AND expires_at > ?2")
                .map_err(backend)?
                .query_row([token_hash, &ts(&now)], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
                })
                .optional()
                .map_err(backend)?;
            let Some((token_hash, user_id, created, expires)) = row else { return Ok(None) };
            let user = c
                .prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1 AND disabled = 0"))
                .map_err(backend)?
                .query_row([user_id], user_from_row)
                .optional()
                .map_err(backend)?;
            let Some(user) = user else { return Ok(None) };
            Ok(Some((
                SessionRecord { token_hash, user_id, created_at: parse_ts(&created)?, expires_at: parse_ts(&expires)? },
                to_user(user)?,
            )))
        })
    }

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        let t = token_hash.to_string();
        self.write(move |c| {
            c.execute("DELETE FROM sessions WHERE token_hash = ?1", [t]).map_err(backend)?;
            Ok(())
        })
        .await
    }

    async fn create_api_token(
        &self,
        user_id: i64,
        name: &str,
        token_hash: &str,
        audit: &AuditRecord,
    ) -> StoreResult<i64> {
        let (name, hash, audit) = (name.to_string(), token_hash.to_string(), audit.clone());
        self.write(move |c| {
            let tx = c.transaction().map_err(backend)?;
            tx.execute(
                "INSERT INTO api_tokens (name, user_id, token_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![name, user_id, hash, ts(&audit.at)],
            )
            .map_err(backend)?;
            let id = tx.last_insert_rowid();
            insert_audit(&tx, &audit).map_err(backend)?;
            tx.commit().map_err(backend)?;
            Ok(id)
        })
        .await
    }

    async fn api_token(&self, token_hash: &str) -> StoreResult<Option<(ApiTokenRecord, UserRecord)>> {
        self.read(|c| {
            let row = c
                .prepare_cached(
                    "SELECT id, name, user_id, token_hash, created_at FROM api_tokens WHERE token_hash = ?1",
                )
                .map_err(backend)?
                .query_row([token_hash], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, i64>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                    ))
                })
                .optional()
                .map_err(backend)?;
            let Some((id, name, user_id, token_hash, created)) = row else { return Ok(None) };
            let user = c
                .prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1 AND disabled = 0"))
                .map_err(backend)?
                .query_row([user_id], user_from_row)
                .optional()
                .map_err(backend)?;
            let Some(user) = user else { return Ok(None) };
            Ok(Some((
                ApiTokenRecord { id, name, user_id, token_hash, created_at: parse_ts(&created)? },
                to_user(user)?,
            )))
        })
    }
}
