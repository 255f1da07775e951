//! A site's audit log: who did what to which comment, page, ban or setting.

use confab_api::admin::AuditEntry;
use leptos::prelude::*;

use crate::{api, notice::call};

#[component]
pub fn Audit(
    /// The site whose log is shown.
    #[prop(into)]
    site: Signal<i64>,
) -> impl IntoView {
    let entries = RwSignal::new(Vec::<AuditEntry>::new());
    Effect::new(move || {
        call(api::audit(site.get()), move |log| entries.set(log.entries));
    });
    view! {
        <section data-testid="audit" aria-labelledby="audit-h">
            <h2 id="audit-h">"Audit log"</h2>
            <table>
                <thead><tr><th>"When"</th><th>"Moderator"</th><th>"Action"</th><th>"Target"</th></tr></thead>
                <tbody>
                    <For each=move || entries.get() key=|e| e.id let:e>
                        <tr data-testid=format!("audit-{}", e.id)>
                            <td>{e.created}</td><td>{e.moderator}</td>
                            <td>{e.action}</td><td>{e.target}</td>
                        </tr>
                    </For>
                </tbody>
            </table>
        </section>
    }
}
