use crate::helpers::*;
use crate::on_both_backends;

on_both_backends! {
    async fn health_checks_the_database(backend) {
        let app = spawn_app(backend).await;
        let r = app.client.get(app.url("/healthz")).send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.text().await.unwrap(), "ok");
    }
}
