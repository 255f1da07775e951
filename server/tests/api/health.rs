use crate::helpers::*;
use confab_testkit::on_both_backends;

on_both_backends!(health_checks_the_database);

async fn health_checks_the_database(backend: Backend) {
    let app = spawn_app(backend).await;
    let r = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.text().await.unwrap(), "ok");
}
