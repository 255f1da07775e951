use serde_json::Value;

use crate::helpers::*;

/// The API as the issue specifies it: method and path.
const CONTRACT: &[(&str, &str)] = &[
    ("get", "/api/v1/sites/{site}/thread"),
    ("post", "/api/v1/sites/{site}/comments"),
    ("patch", "/api/v1/comments/{id}"),
    ("delete", "/api/v1/comments/{id}"),
    ("post", "/api/v1/comments/{id}/vote"),
    ("post", "/api/v1/sites/{site}/counts"),
    ("post", "/api/v1/preview"),
    ("get", "/api/v1/sites/{site}/events"),
    ("get", "/api/v1/openapi.json"),
    ("get", "/healthz"),
];

async fn documented(app: &TestApp) -> Vec<(String, String)> {
    let r = app
        .client
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let doc: Value = r.json().await.unwrap();
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().unwrap().keys() {
            if ["get", "post", "patch", "delete", "put"].contains(&method.as_str()) {
                out.push((method.clone(), path.clone()));
            }
        }
    }
    out.sort();
    out
}

#[tokio::test]
async fn every_route_of_the_contract_is_documented_and_nothing_else() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut expected: Vec<(String, String)> = CONTRACT
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    expected.sort();
    assert_eq!(documented(&app).await, expected);
}

#[tokio::test]
async fn every_documented_route_is_served() {
    let app = spawn_app(Backend::Sqlite).await;
    for (method, path) in documented(&app).await {
        let concrete = path.replace("{site}", "demo").replace("{id}", "1");
        let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let r = app
            .client
            .request(method.clone(), app.url(&concrete))
            .send()
            .await
            .unwrap();
        // Whatever the handler thinks of an empty request, the router must
        // have found it: our fallbacks answer 404 "no such route" and 405.
        let status = r.status().as_u16();
        let text = r.text().await.unwrap();
        assert_ne!(status, 405, "{method} {path} is not routed");
        assert!(
            !text.contains("no such route"),
            "{method} {path} is not routed"
        );
    }
}
