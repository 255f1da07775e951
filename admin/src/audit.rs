//! A site's audit log: who did what to which comment, page, ban or setting.

use confab_api::admin::AuditEntry;
use leptos::prelude::*;

use crate::{
    api,
    i18n::{t, Strings},
    notice::call,
};

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
            <h2 id="audit-h">{t().audit_log()}</h2>
            <table>
                <thead><tr><th>{t().when()}</th><th>{t().moderator()}</th><th>{t().action()}</th><th>{t().target()}</th></tr></thead>
                <tbody>
                    <For each=move || entries.get() key=|e| e.id let:e>
                        <tr data-testid=format!("audit-{}", e.id)>
                            <td>{e.created}</td><td>{e.moderator}</td>
                            <td>{action(t(), e.action)}</td><td>{e.target}</td>
                        </tr>
                    </For>
                </tbody>
            </table>
        </section>
    }
}

/// The server's name for an action, in the moderator's language; a name
/// this dashboard does not know yet is shown as it came.
fn action(t: &'static Strings, name: String) -> String {
    let known = match name.as_str() {
        "approve" => t.audit_approve(),
        "spam" => t.audit_spam(),
        "delete" => t.audit_delete(),
        "pin" => t.audit_pin(),
        "unpin" => t.audit_unpin(),
        "edit" => t.audit_edit(),
        "lock" => t.audit_lock(),
        "unlock" => t.audit_unlock(),
        "page" => t.audit_page(),
        "ban" => t.audit_ban(),
        "unban" => t.audit_unban(),
        "settings" => t.audit_settings(),
        "import" => t.audit_import(),
        "export" => t.audit_export(),
        _ => return name,
    };
    known.to_owned()
}
