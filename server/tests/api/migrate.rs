//! `confab migrate --to URL`: a lived-in SQLite database copied into an
//! empty PostgreSQL one and back, every table row for row, with ids that
//! are never given twice; a target that holds anything is refused.

use confab::store::{
    self,
    migrate::{Value, TABLES},
    Store,
};
use confab_testkit::TestDb;
use serde_json::json;

use crate::{helpers::*, import_export::confab};

/// Every row of every table, in each table's order.
async fn everything(store: &dyn Store) -> Vec<(&'static str, Vec<Vec<Value>>)> {
    use futures::TryStreamExt;
    let mut all = Vec::new();
    for table in TABLES {
        let rows: Vec<Vec<Value>> = store.dump(table).try_collect().await.unwrap();
        all.push((table.name, rows));
    }
    all
}

/// Comments with a reply, a vote, an edit, a moderator with a session, a
/// ban and its audit entry, and a moderator since removed, whose id must
/// never come back.
async fn lived_in(app: &TestApp) {
    let first = app.comment("/a/", "First").await;
    let reply = app.reply("/a/", first.comment.id, "A reply").await;
    app.comment("/b/", "Elsewhere").await;
    assert_eq!(app.vote(first.comment.id, 1, "bob").await.status(), 200);
    let edited = app
        .edit(reply.comment.id, &reply.edit_token, "A reply, edited")
        .await;
    assert_eq!(edited.status(), 200);
    app.add_moderator("gone@example.com", &["demo"]).await;
    assert!(app
        .store()
        .remove_moderator("gone@example.com")
        .await
        .unwrap());
    let admin = app.admin("mod@example.com", &["demo"]).await;
    let path = format!("/admin/api/sites/{}/bans", app.demo_id().await);
    let ban = json!({"kind": "ip", "comment": first.comment.id});
    assert!(admin.post(&path, &ban).await.status().is_success());
}

#[tokio::test]
async fn a_sqlite_database_moves_to_postgres_and_back_with_every_row() {
    let app = spawn_app(Backend::Sqlite).await;
    lived_in(&app).await;
    let source = everything(app.store().as_ref()).await;
    let count = |name: &str| source.iter().find(|(t, _)| *t == name).unwrap().1.len();
    assert_eq!(count("comments"), 3);
    assert!(count("audit_log") >= 1 && count("bans") == 1 && count("sessions") == 1);

    let pg = TestDb::new(Backend::Postgres).await;
    let said = confab(app.db_url(), &["migrate", "--to", &pg.url])
        .await
        .unwrap();
    assert!(said.contains("every count matches the source"), "{said}");
    assert!(said.contains("comments\t3\n"), "{said}");
    let target = store::connect(&pg.url).await.unwrap();
    assert_eq!(everything(target.as_ref()).await, source);

    let again = confab(app.db_url(), &["migrate", "--to", &pg.url]).await;
    let err = again.unwrap_err().to_string();
    assert!(err.contains("not empty"), "{err}");

    let back = TestDb::new(Backend::Sqlite).await;
    let said = confab(&pg.url, &["migrate", "--to", &back.url])
        .await
        .unwrap();
    assert!(said.contains("every count matches the source"), "{said}");
    // Read apart from the store's own code: byte for byte what it was,
    // but for when the migrations ran.
    let raw = |mut dump: crate::dump::Dump| {
        dump.remove("_sqlx_migrations");
        dump
    };
    assert_eq!(
        raw(crate::dump::dump(&back.url).await),
        raw(crate::dump::dump(app.db_url()).await)
    );

    // New rows take ids past the copied ones, and past the removed
    // moderator's too, on either side.
    let moderators = TABLES.iter().find(|t| t.name == "moderators").unwrap();
    let high = app.store().high_water(moderators).await.unwrap();
    assert_eq!(high, 2, "the removed moderator was 1");
    let home = store::connect(&back.url).await.unwrap();
    for copy in [target, home] {
        assert_eq!(copy.high_water(moderators).await.unwrap(), high);
        let added = copy.add_moderator("new@example.com", None, &[]).await;
        assert_eq!(added.unwrap().id, high + 1);
    }
}

confab_testkit::on_both_backends!(the_copy_names_every_table_and_column_of_the_schema,);

/// A table or column added by a later migration must be copied too.
async fn the_copy_names_every_table_and_column_of_the_schema(backend: Backend) {
    let app = spawn_app(backend).await;
    let sql = match backend {
        Backend::Sqlite => {
            "SELECT m.name, c.name FROM sqlite_master m, pragma_table_info(m.name) c
             WHERE m.type = 'table' AND m.name NOT IN ('sqlite_sequence', '_sqlx_migrations')"
        }
        Backend::Postgres => {
            "SELECT table_name::TEXT, column_name::TEXT FROM information_schema.columns
             WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations'"
        }
    };
    let mut schema: Vec<(String, String)> = match backend {
        Backend::Sqlite => {
            let pool = sqlx::SqlitePool::connect(app.db_url()).await.unwrap();
            sqlx::query_as(sql).fetch_all(&pool).await.unwrap()
        }
        Backend::Postgres => {
            let pool = sqlx::PgPool::connect(app.db_url()).await.unwrap();
            sqlx::query_as(sql).fetch_all(&pool).await.unwrap()
        }
    };
    schema.sort();
    let mut copied: Vec<(String, String)> = TABLES
        .iter()
        .flat_map(|t| t.columns.iter().map(|(c, _)| (t.name.into(), (*c).into())))
        .collect();
    copied.sort();
    assert_eq!(copied, schema);
}
