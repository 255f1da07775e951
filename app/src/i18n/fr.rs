use super::Strings;

/// French uses the singular for 0 and 1.
fn plural(n: i64) -> usize {
    if n <= 1 {
        0
    } else {
        2
    }
}

pub const FR: Strings = Strings {
    lang: "fr",
    plural,
    comments: ["{n} commentaire", "{n} commentaires", "{n} commentaires"],
    thread: "Commentaires",
    empty: "Pas encore de commentaires. Soyez le premier à donner votre avis.",
    loading: "Chargement des commentaires…",
    load_failed: "Impossible de charger les commentaires.",
    retry: "Réessayer",
    sort: "Trier par",
    oldest: "Plus anciens",
    newest: "Plus récents",
    top: "Meilleurs",
    load_more: "Afficher plus de commentaires",
    write: "Écrire",
    preview: "Aperçu",
    nothing_to_preview: "Rien à prévisualiser pour l’instant.",
    body_label: "Votre commentaire",
    placeholder: "Participez à la discussion…",
    hint: "Markdown accepté. Ctrl+Entrée pour publier.",
    name: "Nom (facultatif)",
    email: "E-mail (facultatif, jamais affiché)",
    website: "Site web (facultatif)",
    post: "Publier",
    posting: "Publication…",
    save: "Enregistrer",
    cancel: "Annuler",
    reply: "Répondre",
    edit: "Modifier",
    delete: "Supprimer",
    confirm_delete: "Supprimer définitivement ce commentaire ?",
    held: "Merci ! Votre commentaire est en attente de modération.",
    pending: "En attente de modération",
    deleted: "Ce commentaire a été supprimé.",
    edited: "modifié",
    pinned: "Épinglé",
    anonymous: "Anonyme",
    hide_replies: "Masquer les réponses",
    show_replies: "Afficher les réponses ({n})",
    up: "Voter pour",
    down: "Voter contre",
    new_comment: "Nouveau commentaire de {name}",
    err_invalid: "Veuillez vérifier votre commentaire et réessayer.",
    err_too_long: "Votre commentaire est trop long.",
    err_site: "Les commentaires ne sont pas activés pour ce site.",
    err_gone: "Ce commentaire n’existe plus.",
    err_parent_gone: "Le commentaire auquel vous répondez n’existe plus.",
    err_locked: "Les commentaires sont fermés sur cette page.",
    err_denied: "Vous ne pouvez pas modifier ce commentaire.",
    err_window_closed: "Le délai pour modifier ce commentaire est écoulé.",
    err_conflict: "Ce commentaire a changé entre-temps. Rechargez et réessayez.",
    err_rate: "Vous commentez très vite. Patientez un instant.",
    err_server: "Le service de commentaires rencontre un problème. Réessayez plus tard.",
    err_network: "Impossible de joindre le service de commentaires. Vérifiez votre connexion.",
};
