//! Users, sessions and API tokens.

use crate::fixtures::{audit, t};
use certguard_access::Role;
use certguard_store::*;

pub async fn story(store: &dyn Store) {
    // Users, sessions, API tokens.
    let uid = store
        .create_user(
            &NewUser {
                username: "clerk".into(),
                display_name: "王芳".into(),
                password_hash: "$argon2id$x".into(),
                role: Role::Issuer,
                authority: Some("CN-320582".parse().unwrap()),
            },
            &audit("user.add"),
        )
        .await
        .unwrap();
    let dup = NewUser {
        username: "clerk".into(),
        display_name: "x".into(),
        password_hash: "x".into(),
        role: Role::Admin,
        authority: None,
    };
    assert!(matches!(store.create_user(&dup, &audit("user.add")).await, Err(StoreError::Conflict(_))));
    let u = store.user_by_name("clerk").await.unwrap().unwrap();
    assert_eq!((u.id, u.role, u.authority.as_ref().map(|a| a.as_str())), (uid, Role::Issuer, Some("CN-320582")));
    assert_eq!(store.user_by_id(uid).await.unwrap().unwrap().username, "clerk");
    store
        .create_session(&SessionRecord { token_hash: "h1".into(), user_id: uid, created_at: t(1), expires_at: t(5) })
        .await
        .unwrap();
    assert_eq!(store.session("h1", t(4)).await.unwrap().unwrap().1.id, uid);
    assert!(store.session("h1", t(6)).await.unwrap().is_none(), "expired");
    assert!(store.session("nope", t(4)).await.unwrap().is_none());
    store.set_password(uid, "$argon2id$y", &audit("user.password")).await.unwrap();
    assert!(store.session("h1", t(4)).await.unwrap().is_none(), "password change ends sessions");
    store
        .create_session(&SessionRecord { token_hash: "h2".into(), user_id: uid, created_at: t(1), expires_at: t(5) })
        .await
        .unwrap();
    store.delete_session("h2").await.unwrap();
    assert!(store.session("h2", t(4)).await.unwrap().is_none());
    store.create_api_token(uid, "ci", "tok", &audit("token.add")).await.unwrap();
    assert_eq!(store.api_token("tok").await.unwrap().unwrap().1.username, "clerk");
    assert!(store.api_token("other").await.unwrap().is_none());
}
