//! The learned spam models in memory, one per site. A model is loaded from
//! the database on first use, again after a moderator's decision on this
//! instance, and again once it is older than `spam.reload_secs`, which is how
//! decisions taken on other instances arrive.
//!
//! moka keeps them: the age limit is its time to live, and when a model
//! expires the posts that find it gone wait on one load rather than each
//! reading the whole model from the database at once.

use std::{sync::Arc, time::Duration};

use moka::future::Cache;

use crate::{domain::spam::SpamModel, store::Store};

/// Sites whose model is held at once; past it the least used go first.
const MAX_SITES: u64 = 10_000;

pub struct SpamModels {
    models: Cache<i64, Arc<SpamModel>>,
}

impl SpamModels {
    pub fn new(max_age: Duration) -> Self {
        Self {
            models: Cache::builder()
                .max_capacity(MAX_SITES)
                .time_to_live(max_age)
                .build(),
        }
    }

    /// The probability that `text` is spam on this site.
    pub async fn score(&self, store: &dyn Store, site_id: i64, text: &str) -> anyhow::Result<f64> {
        let model = self
            .model(site_id, async { store.spam_model(site_id).await })
            .await?;
        Ok(model.score(text))
    }

    /// The site's model, from memory or from `load`, which runs once however
    /// many callers ask at the same moment.
    async fn model(
        &self,
        site_id: i64,
        load: impl std::future::Future<Output = anyhow::Result<SpamModel>>,
    ) -> anyhow::Result<Arc<SpamModel>> {
        self.models
            .try_get_with(site_id, async { load.await.map(Arc::new) })
            .await
            // moka hands one load's error to each of its waiters.
            .map_err(|e| anyhow::anyhow!("loading the spam model: {e:#}"))
    }

    /// Loads the site's model from the database now.
    pub async fn reload(&self, store: &dyn Store, site_id: i64) -> anyhow::Result<Arc<SpamModel>> {
        let model = Arc::new(store.spam_model(site_id).await?);
        self.models.insert(site_id, model.clone()).await;
        Ok(model)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[tokio::test]
    async fn posts_that_find_the_model_expired_wait_on_one_load() {
        let models = SpamModels::new(Duration::from_millis(50));
        let loads = AtomicUsize::new(0);
        let ask = || async {
            models
                .model(1, async {
                    loads.fetch_add(1, Ordering::SeqCst);
                    tokio::task::yield_now().await;
                    Ok(SpamModel::default())
                })
                .await
                .unwrap()
        };
        futures::future::join_all((0..50).map(|_| ask())).await;
        assert_eq!(loads.load(Ordering::SeqCst), 1);
        // Expiry, and another crowd: one more load.
        tokio::time::sleep(Duration::from_millis(80)).await;
        futures::future::join_all((0..50).map(|_| ask())).await;
        assert_eq!(loads.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_failed_load_is_not_kept() {
        let models = SpamModels::new(Duration::from_secs(60));
        let failed = models
            .model(1, async { Err(anyhow::anyhow!("down")) })
            .await;
        assert!(failed.unwrap_err().to_string().contains("down"));
        assert!(models
            .model(1, async { Ok(SpamModel::default()) })
            .await
            .is_ok());
    }
}
