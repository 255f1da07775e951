//! Group commit for new comments. Posts queue for one writer task, which
//! stores every post waiting at that moment in one transaction and answers
//! each only after COMMIT returned. A durable commit costs one fsync however
//! many comments it holds, so 32 posters share one fsync instead of queueing
//! for 32; a lone post waits for nothing and commits alone at once.

use std::panic::AssertUnwindSafe;

use anyhow::anyhow;
use async_trait::async_trait;
use futures::FutureExt;
use tokio::sync::{mpsc, oneshot};

use super::{Created, NewCommentRow};

/// The most comments in one transaction: bounds how long one commit holds
/// the write lock and how much a failed batch has to redo.
const MAX_BATCH: usize = 128;
/// Posts waiting beyond this make their senders wait: backpressure.
const MAX_QUEUED: usize = 4096;

/// Stores comments, all in one transaction.
#[async_trait]
pub(super) trait WriteComments: Send + Sync + 'static {
    /// One outcome per row, in order. An error means nothing was stored.
    async fn write(&self, rows: &[&NewCommentRow]) -> anyhow::Result<Vec<Created>>;
}

type Job = (NewCommentRow, oneshot::Sender<anyhow::Result<Created>>);

/// The queue in front of the writer task. The task ends when this is dropped.
pub(super) struct CommentQueue {
    jobs: mpsc::Sender<Job>,
}

impl CommentQueue {
    pub fn spawn(writer: impl WriteComments) -> Self {
        let (jobs, queue) = mpsc::channel(MAX_QUEUED);
        tokio::spawn(run(writer, queue));
        Self { jobs }
    }

    /// Stores `row`; returns once it is committed (or refused).
    pub async fn create(&self, row: &NewCommentRow) -> anyhow::Result<Created> {
        let (done, outcome) = oneshot::channel();
        self.jobs
            .send((row.clone(), done))
            .await
            .map_err(|_| anyhow!("the comment writer has stopped"))?;
        outcome
            .await
            .map_err(|_| anyhow!("the comment writer dropped a comment"))?
    }
}

async fn run(writer: impl WriteComments, mut queue: mpsc::Receiver<Job>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut batch, MAX_BATCH).await > 0 {
        // A panic fails this batch's posts (their senders drop), not the
        // writer: later posts must still be stored.
        let _ = AssertUnwindSafe(write_batch(&writer, &mut batch))
            .catch_unwind()
            .await;
        batch.clear();
    }
}

async fn write_batch(writer: &impl WriteComments, batch: &mut Vec<Job>) {
    let rows: Vec<&NewCommentRow> = batch.iter().map(|(row, _)| row).collect();
    match writer.write(&rows).await {
        Ok(outcomes) => {
            for ((_, done), outcome) in batch.drain(..).zip(outcomes) {
                // The poster may have gone; the comment is stored regardless.
                let _ = done.send(Ok(outcome));
            }
        }
        Err(e) if batch.len() == 1 => {
            if let Some((_, done)) = batch.pop() {
                let _ = done.send(Err(e));
            }
        }
        Err(_) => {
            // Nothing of the batch was stored. One bad comment must not fail
            // the others, so each is tried again on its own.
            for (row, done) in batch.drain(..) {
                let outcome = writer.write(&[&row]).await.and_then(|mut one| {
                    one.pop()
                        .ok_or_else(|| anyhow!("the writer returned no outcome"))
                });
                let _ = done.send(outcome);
            }
        }
    }
}
