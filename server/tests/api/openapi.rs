use serde_json::Value;

use crate::helpers::*;

/// The API as the issue specifies it: method and path.
const CONTRACT: &[(&str, &str)] = &[
    ("get", "/api/v1/sites/{site}/thread"),
    ("post", "/api/v1/sites/{site}/comments"),
    ("patch", "/api/v1/comments/{id}"),
    ("delete", "/api/v1/comments/{id}"),
    ("post", "/api/v1/comments/{id}/vote"),
    ("post", "/api/v1/authors"),
    ("post", "/api/v1/sites/{site}/counts"),
    ("post", "/api/v1/preview"),
    ("get", "/api/v1/sites/{site}/events"),
    ("get", "/api/v1/sites/{site}/recent"),
    ("get", "/sites/{site}/thread.html"),
    ("get", "/sites/{site}/feed.atom"),
    ("get", "/sites/{site}/recent.atom"),
    ("get", "/api/v1/openapi.json"),
    ("get", "/healthz"),
];

async fn document(app: &TestApp) -> Value {
    let r = app
        .client
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

async fn documented(app: &TestApp) -> Vec<(String, String)> {
    let doc = document(app).await;
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

/// Every `$ref` under `value`, e.g. `#/components/schemas/Thread`.
fn refs<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("$ref", Value::String(r)) => out.push(r),
                    _ => refs(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

#[tokio::test]
async fn every_body_the_api_sends_or_takes_has_a_schema_that_resolves() {
    let app = spawn_app(Backend::Sqlite).await;
    let doc = document(&app).await;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if let Some(body) = op.get("requestBody") {
                assert!(
                    body["content"]["application/json"]["schema"].is_object(),
                    "{method} {path}: request body without a JSON schema"
                );
            }
            for (status, response) in op["responses"].as_object().unwrap() {
                let content = response.get("content").and_then(Value::as_object);
                if status == "204" || status == "304" {
                    assert!(content.is_none(), "{method} {path} {status} has a body");
                    continue;
                }
                let content =
                    content.unwrap_or_else(|| panic!("{method} {path} {status}: no body"));
                for (media, body) in content {
                    assert!(
                        body["schema"].is_object(),
                        "{method} {path} {status} {media}: no schema"
                    );
                }
            }
        }
    }
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(all.contains(&"#/components/schemas/ErrorBody"));
    for r in all {
        let name = r.strip_prefix("#/components/schemas/").expect(r);
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "{r} does not resolve"
        );
    }
}
