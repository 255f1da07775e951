//! The learned spam models in memory, one per site. A model is loaded from
//! the database on first use, again after a moderator's decision on this
//! instance, and again once it is older than `spam.reload_secs`, which is how
//! decisions taken on other instances arrive.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use crate::{domain::spam::SpamModel, store::Store};

pub struct SpamModels {
    max_age: Duration,
    models: Mutex<HashMap<i64, (Instant, Arc<SpamModel>)>>,
}

impl SpamModels {
    pub fn new(max_age: Duration) -> Self {
        Self {
            max_age,
            models: Mutex::default(),
        }
    }

    /// The probability that `text` is spam on this site.
    pub async fn score(&self, store: &dyn Store, site_id: i64, text: &str) -> anyhow::Result<f64> {
        let cached = self
            .lock()
            .get(&site_id)
            .filter(|(at, _)| at.elapsed() < self.max_age)
            .map(|(_, m)| m.clone());
        let model = match cached {
            Some(m) => m,
            None => self.reload(store, site_id).await?,
        };
        Ok(model.score(text))
    }

    /// Loads the site's model from the database now.
    pub async fn reload(&self, store: &dyn Store, site_id: i64) -> anyhow::Result<Arc<SpamModel>> {
        let model = Arc::new(store.spam_model(site_id).await?);
        self.lock().insert(site_id, (Instant::now(), model.clone()));
        Ok(model)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<i64, (Instant, Arc<SpamModel>)>> {
        // A poisoned lock only means a panic elsewhere; the map is still sound.
        self.models.lock().unwrap_or_else(|e| e.into_inner())
    }
}
