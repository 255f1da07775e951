//! E-mail to moderators: one message per held comment, with signed one-click
//! links that open a confirmation page. Sending never blocks or fails the
//! post that caused it: it runs in its own task and only logs failures.

use lettre::{
    message::{header::ContentType, Mailbox, MultiPart, SinglePart},
    transport::smtp::authentication::Credentials,
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
};
use maud::{html, Markup, DOCTYPE};

use crate::{
    config::{Smtp, SmtpTls},
    domain::signed::LinkClaim,
    store::{now_ms, AdminCommentRow, Site},
    AppState,
};

/// How long an e-mailed link works.
pub const LINK_TTL_MS: i64 = 7 * 24 * 60 * 60 * 1000;

pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    pub fn new(smtp: &Smtp) -> anyhow::Result<Self> {
        let mut builder = match smtp.tls {
            SmtpTls::None => {
                AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(smtp.host.as_str())
            }
            SmtpTls::Starttls => {
                AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(smtp.host.as_str())?
            }
        }
        .port(smtp.port);
        if let (Some(user), Some(pass)) = (&smtp.username, &smtp.password) {
            builder = builder.credentials(Credentials::new(user.clone(), pass.clone()));
        }
        Ok(Self {
            transport: builder.build(),
            from: smtp.from.parse()?,
        })
    }

    pub async fn send(&self, to: &str, mail: &Mail) -> anyhow::Result<()> {
        let message = Message::builder()
            .from(self.from.clone())
            .to(to.parse()?)
            .subject(&mail.subject)
            .multipart(
                MultiPart::alternative()
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_PLAIN)
                            .body(mail.text.clone()),
                    )
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_HTML)
                            .body(mail.html.clone()),
                    ),
            )?;
        self.transport.send(message).await?;
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Mail {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// What the message about one held comment says.
pub struct Held<'a> {
    pub site_name: &'a str,
    pub page: &'a str,
    pub author: &'a str,
    pub reason: &'a str,
    pub source: &'a str,
    pub approve_url: &'a str,
    pub delete_url: &'a str,
    pub dashboard_url: &'a str,
}

impl Held<'_> {
    pub fn compose(&self) -> Mail {
        let author = if self.author.is_empty() {
            "Anonymous"
        } else {
            self.author
        };
        // Headers cannot carry line breaks; lettre encodes the rest.
        let subject = format!("[{}] Comment waiting: {}", self.site_name, self.page)
            .replace(['\r', '\n'], " ");
        let text = format!(
            "A comment on {page} ({site}) is waiting for moderation.\n\n\
             From: {author}\nHeld because: {reason}\n\n{source}\n\n\
             Approve: {approve}\nDelete: {delete}\n\
             Each link opens a page that asks you to confirm. They work once, within 7 days.\n\n\
             All waiting comments: {dashboard}\n",
            page = self.page,
            site = self.site_name,
            reason = self.reason,
            source = self.source,
            approve = self.approve_url,
            delete = self.delete_url,
            dashboard = self.dashboard_url,
        );
        Mail {
            subject,
            text,
            html: self.html(author).into_string(),
        }
    }

    /// The HTML part, every field escaped. Short ASCII lines, so the part
    /// needs no transfer encoding; the probe of the XSS test finds the page
    /// key and the author as its first two `<b>`, and Approve as its first
    /// link.
    fn html(&self, author: &str) -> Markup {
        html! {
            (DOCTYPE)
            html {
                body {
                    "\n"
                    p { "A comment on " b { (self.page) } " (" (self.site_name) ") is waiting for moderation." }
                    "\n"
                    p { "From: " b { (author) } br; "Held because: " (self.reason) }
                    "\n"
                    blockquote style="white-space:pre-wrap" { (self.source) }
                    "\n"
                    p { a href=(self.approve_url) { "Approve" } " | " a href=(self.delete_url) { "Delete" } }
                    "\n"
                    p { "Each link opens a page that asks you to confirm. They work once, within 7 days." }
                    "\n"
                    p { a href=(self.dashboard_url) { "All waiting comments" } }
                }
            }
            "\n"
        }
    }
}

/// Tells the site's moderators about a held comment, in the background.
pub fn notify_held(state: &AppState, site: &Site, comment: AdminCommentRow) {
    let Some(mailer) = state.mailer.clone() else {
        return;
    };
    let state = state.clone();
    let site_name = site.name.clone();
    tokio::spawn(async move {
        let moderators = match state.store.moderators_of_site(comment.site_id).await {
            Ok(m) => m,
            Err(e) => {
                tracing::error!(error = %e, "listing moderators to e-mail");
                return;
            }
        };
        let base = state.config.public_url();
        let expires = now_ms() + LINK_TTL_MS;
        for m in moderators {
            let link = |action: &str| {
                let token = LinkClaim {
                    action: action.to_owned(),
                    comment: comment.id,
                    moderator: m.id,
                    status: comment.status().as_str().to_owned(),
                    expires,
                }
                .sign(&state.signing_key);
                format!("{base}/admin/mail?token={token}")
            };
            let mail = Held {
                site_name: &site_name,
                page: &comment.page,
                author: &comment.author,
                reason: comment.held_reason.as_deref().unwrap_or("moderation"),
                source: &comment.source,
                approve_url: &link("approve"),
                delete_url: &link("delete"),
                dashboard_url: &format!("{base}/admin"),
            }
            .compose();
            if let Err(e) = mailer.send(&m.email, &mail).await {
                tracing::error!(error = %e, comment = comment.id, "e-mailing a moderator");
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_of_the_html_part_is_escaped() {
        let mail = Held {
            site_name: "<b>Site</b>",
            page: "/p?a=1&b=\"2\"",
            author: "<script>alert(1)</script>",
            reason: "first comment",
            source: "<img src=x onerror=alert(1)>",
            approve_url: "https://c.example/admin/mail?token=a\"b",
            delete_url: "https://c.example/admin/mail?token=c",
            dashboard_url: "https://c.example/admin",
        }
        .compose();
        assert!(!mail.html.contains("<script>"));
        assert!(!mail.html.contains("<img"));
        assert!(mail.html.contains("&lt;script&gt;"));
        assert!(mail.html.contains("token=a&quot;b"));
        assert!(
            mail.text.contains("<script>alert(1)</script>"),
            "plain text stays as written"
        );
    }

    #[test]
    fn a_subject_cannot_break_into_headers() {
        let mail = Held {
            site_name: "S\r\nBcc: x@y.z",
            page: "/p",
            author: "",
            reason: "r",
            source: "s",
            approve_url: "a",
            delete_url: "d",
            dashboard_url: "h",
        }
        .compose();
        assert!(!mail.subject.contains('\n'));
        assert!(mail.text.contains("Anonymous"));
    }
}
