use std::io::{BufReader, Cursor};
use std::time::{Duration, Instant};

use super::*;

/// A small export as Disqus documents it, with the awkward cases: values
/// padded with whitespace, CDATA and entities, a reply before its parent,
/// a post with no date, one deleted and spam, a deleted thread.
const EXPORT: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals"
        xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
        xsi:schemaLocation="http://disqus.com/api/schemas/1.0/disqus.xsd">
  <category dsq:id="1"><forum>x</forum><title>General</title><isDefault>true</isDefault></category>
  <thread dsq:id="10">
    <id>optional-identifier</id>
    <forum>x</forum>
    <category dsq:id="1"/>
    <link>
      https://blog.example/a/
    </link>
    <title> Fish &amp; chips </title>
    <message/>
    <createdAt>2013-05-02T15:53:33Z</createdAt>
    <author><email>owner@blog.example</email><name>Owner</name></author>
    <isClosed> true </isClosed>
    <isDeleted>false</isDeleted>
  </thread>
  <thread dsq:id="11"><link>https://blog.example/b/</link><title/><isDeleted>true</isDeleted></thread>
  <post dsq:id="101">
    <id/>
    <message><![CDATA[<p>Me <i>too</i></p>]]></message>
    <createdAt>2013-05-02T16:00:00+01:00</createdAt>
    <isDeleted>false</isDeleted>
    <isSpam>false</isSpam>
    <author><email></email><name></name><isAnonymous>true</isAnonymous><username>bob</username></author>
    <ipAddress>1.2.3.4</ipAddress>
    <thread dsq:id="10"/>
    <parent dsq:id="100"/>
  </post>
  <post dsq:id="100">
    <message>&lt;p&gt;Caf&#233; caf&#xE9; &amp; <![CDATA[<b>there</b>]]>&lt;/p&gt;</message>
    <isDeleted>true</isDeleted>
    <isSpam>true</isSpam>
    <author><email> ann@example.org </email><name>Ann</name><username>ann</username></author>
    <ipAddress>5.6.7.8</ipAddress>
    <thread dsq:id="10"></thread>
  </post>
  <post dsq:id="102"><message>Gone</message><isDeleted>true</isDeleted><isSpam>false</isSpam>
    <author/><thread dsq:id="11"/></post>
</disqus>
"#;

fn read_with(xml: &str, limits: Limits) -> Result<Vec<Record>, ParseError> {
    records(Cursor::new(xml.as_bytes()), limits).collect()
}

fn read(xml: &str) -> Result<Vec<Record>, ParseError> {
    read_with(xml, Limits::default())
}

fn error(xml: &str) -> ParseError {
    read(xml).expect_err("the file should be refused")
}

fn posts(xml: &str) -> Vec<Post> {
    let records = read(xml).unwrap();
    records
        .into_iter()
        .filter_map(|record| match record {
            Record::Post(post) => Some(post),
            _ => None,
        })
        .collect()
}

/// A one-post export around a message body.
fn with_message(message: &str) -> String {
    format!(
        "<disqus xmlns:dsq=\"http://disqus.com/disqus-internals\">\
         <post dsq:id=\"1\"><message>{message}</message><thread dsq:id=\"2\"/></post></disqus>"
    )
}

#[test]
fn threads_and_posts_come_in_file_order_with_their_fields() {
    let records = read(EXPORT).unwrap();
    assert_eq!(records.len(), 5);
    assert_eq!(
        records[0],
        Record::Thread(Thread {
            source_id: "10".into(),
            link: "https://blog.example/a/".into(),
            url: Some("https://blog.example/a/".into()),
            title: Some("Fish & chips".into()),
            locked: true,
        })
    );
    let Record::Post(reply) = &records[2] else {
        panic!("expected a post, got {:?}", records[2]);
    };
    assert_eq!(
        *reply,
        Post {
            source_id: "101".into(),
            thread: "10".into(),
            parent: Some("100".into()),
            author: "bob".into(),
            email: None,
            website: None,
            body: "Me *too*".into(),
            created_ms: Some(1_367_506_800_000),
            edited_ms: None,
            status: Status::Approved,
            score: 0,
            pinned: false,
        }
    );
}

#[test]
fn a_deleted_thread_is_still_read_because_posts_may_belong_to_it() {
    let records = read(EXPORT).unwrap();
    assert!(
        matches!(&records[1], Record::Thread(t) if t.source_id == "11" && t.title.is_none() && !t.locked)
    );
}

#[test]
fn a_reply_may_come_before_its_parent() {
    let ids: Vec<_> = posts(EXPORT)
        .into_iter()
        .map(|p| (p.source_id, p.parent))
        .collect();
    assert_eq!(
        ids,
        [
            ("101".into(), Some("100".into())),
            ("100".into(), None),
            ("102".into(), None)
        ]
    );
}

#[test]
fn entities_and_cdata_in_a_message_become_markdown() {
    let post = &posts(EXPORT)[1];
    assert_eq!(post.body, "Café café & **there**");
    assert_eq!(post.email.as_deref(), Some("ann@example.org"));
    assert_eq!(post.author, "Ann");
}

#[test]
fn a_post_with_no_date_has_none() {
    let posts = posts(EXPORT);
    assert_eq!(posts[1].created_ms, None);
    assert_eq!(posts[2].created_ms, None);
}

#[test]
fn spam_wins_over_deleted_and_deleted_over_approved() {
    let statuses: Vec<_> = posts(EXPORT).iter().map(|p| p.status).collect();
    assert_eq!(statuses, [Status::Approved, Status::Spam, Status::Deleted]);
}

#[test]
fn a_post_with_no_name_or_username_is_anonymous() {
    // No name at all stays blank: the widget says "Anonymous" in the
    // reader's language.
    assert_eq!(posts(EXPORT)[2].author, "");
}

#[test]
fn ip_addresses_are_read_into_nothing() {
    let all = format!("{:?}", read(EXPORT).unwrap());
    assert!(
        !all.contains("1.2.3.4") && !all.contains("5.6.7.8"),
        "{all}"
    );
}

#[test]
fn repeated_ids_are_passed_on_for_the_import_to_judge() {
    let post = "<post dsq:id=\"1\"><thread dsq:id=\"2\"/></post>";
    let xml = format!("<disqus>{post}{post}</disqus>");
    let ids: Vec<_> = posts(&xml).into_iter().map(|p| p.source_id).collect();
    assert_eq!(ids, ["1", "1"]);
}

#[test]
fn the_dsq_prefix_is_the_files_choice_but_an_unprefixed_id_is_not_dsq_id() {
    let other = r#"<disqus xmlns:d="http://disqus.com/disqus-internals"><thread d:id="7"><link>l</link></thread></disqus>"#;
    assert!(matches!(&read(other).unwrap()[0], Record::Thread(t) if t.source_id == "7"));
    let bare = "<disqus><thread id=\"7\"><link>l</link></thread></disqus>";
    assert_eq!(error(bare).message, "<thread> has no dsq:id");
}

#[test]
fn script_and_style_in_a_message_are_dropped() {
    let xml = with_message(
        "&lt;p&gt;Hi&lt;script&gt;alert(1)&lt;/script&gt;&lt;style&gt;p{}&lt;/style&gt;&lt;/p&gt;",
    );
    assert_eq!(posts(&xml)[0].body, "Hi");
    let cdata = with_message("<![CDATA[<p>Hi</p><SCRIPT type='x'>alert(1)</SCRIPT>]]>");
    assert!(!posts(&cdata)[0].body.contains("alert"));
}

#[test]
fn a_doctype_is_refused_so_an_external_entity_is_never_read() {
    let xxe = r#"<?xml version="1.0"?>
<!DOCTYPE disqus [<!ENTITY e SYSTEM "file:///etc/passwd">]>
<disqus xmlns:dsq="http://disqus.com/disqus-internals">
<post dsq:id="1"><message>&e;</message><thread dsq:id="2"/></post></disqus>"#;
    let results: Vec<_> = records(Cursor::new(xxe), Limits::default()).collect();
    assert_eq!(results.len(), 1);
    let err = results[0].clone().unwrap_err();
    assert_eq!(
        err.message,
        "DTDs are not accepted (no entities are expanded)"
    );
    assert_eq!((err.line, err.column), (2, 1));
    assert!(!format!("{results:?}").contains("root:"));
}

#[test]
fn billion_laughs_is_refused_before_anything_is_expanded() {
    let mut xml =
        String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n");
    for i in 1..10 {
        let prev = if i == 1 {
            "lol".to_owned()
        } else {
            format!("lol{}", i - 1)
        };
        xml += &format!("<!ENTITY lol{i} \"{}\">\n", format!("&{prev};").repeat(10));
    }
    xml += "]>\n<disqus><post><message>&lol9;</message></post></disqus>";
    let started = Instant::now();
    assert_eq!(
        error(&xml).message,
        "DTDs are not accepted (no entities are expanded)"
    );
    assert!(started.elapsed() < Duration::from_secs(1));
}

#[test]
fn an_entity_xml_does_not_define_is_an_error() {
    let err = error(&with_message("fish &nbsp; chips"));
    assert!(err.message.contains("&nbsp;"), "{}", err.message);
    let err = error(&with_message("a & b"));
    assert!(err.message.starts_with("malformed XML"), "{}", err.message);
}

#[test]
fn text_over_the_limit_is_refused_whether_escaped_or_cdata() {
    let limits = Limits { max_text_bytes: 16 };
    for message in [
        "x".repeat(17),
        format!("<![CDATA[{}]]>", "x".repeat(17)),
        "&amp;".repeat(17),
    ] {
        let err = read_with(&with_message(&message), limits).unwrap_err();
        assert_eq!(err.message, "element text is over 16 bytes", "{message}");
    }
    assert!(read_with(&with_message(&"x".repeat(16)), limits).is_ok());
}

#[test]
fn one_huge_text_is_refused_before_it_is_all_held() {
    let limits = Limits { max_text_bytes: 16 };
    let err = read_with(&with_message(&"x".repeat(200_000)), limits).unwrap_err();
    assert_eq!(err.message, "element text is over 16 bytes");
    let tag = format!("<disqus a=\"{}\"/>", "x".repeat(200_000));
    assert!(read_with(&tag, limits)
        .unwrap_err()
        .message
        .starts_with("markup is over"));
}

#[test]
fn a_mismatched_end_tag_is_reported_at_its_line_and_column() {
    let xml = "<?xml version=\"1.0\"?>\n<disqus xmlns:dsq=\"d\">\n  <thread dsq:id=\"1\">\n    \
               <link>l</link>\n  </thread>\n  <post dsq:id=\"2\">\n    <message>x</mesage>\n  \
               </post>\n</disqus>\n";
    let err = error(xml);
    assert_eq!((err.line, err.column), (7, 15), "{err}");
    assert!(err.message.starts_with("malformed XML"), "{err}");
}

#[test]
fn positions_stay_right_when_the_file_arrives_in_small_chunks() {
    let xml = format!(
        "<disqus>\r\n{}<thread>\n</thread></disqus>",
        "<category/>\n".repeat(50)
    );
    for capacity in [1, 3, 8, 4096] {
        let reader = BufReader::with_capacity(capacity, xml.as_bytes());
        let err = records(reader, Limits::default())
            .next()
            .unwrap()
            .unwrap_err();
        assert_eq!(
            (err.line, err.column, err.message.as_str()),
            (52, 1, "<thread> has no dsq:id")
        );
    }
}

#[test]
fn a_post_without_a_dsq_id_is_an_error_at_the_post() {
    let err = error("<disqus>\n\n   <post><thread dsq:id=\"1\"/></post></disqus>");
    assert_eq!((err.line, err.column), (3, 4));
    assert_eq!(err.message, "<post> has no dsq:id");
}

#[test]
fn a_post_without_its_thread_is_an_error() {
    let xml = "<disqus xmlns:dsq=\"d\">\n<post dsq:id=\"5\"><message>m</message></post></disqus>";
    let err = error(xml);
    assert_eq!(err.line, 2);
    assert!(err.message.starts_with("post 5 has no <thread"), "{err}");
}

#[test]
fn an_unreadable_date_is_an_error_but_an_empty_one_is_none() {
    let xml = with_message("m").replace("<message>", "\n<createdAt>May 2nd</createdAt><message>");
    let err = error(&xml);
    assert_eq!((err.line, err.column), (2, 1));
    assert!(err.message.contains("\"May 2nd\""), "{err}");
    let empty = with_message("m").replace("<message>", "<createdAt> </createdAt><message>");
    assert_eq!(posts(&empty)[0].created_ms, None);
}

#[test]
fn a_flag_that_is_neither_true_nor_false_is_an_error() {
    let xml = with_message("m").replace("<message>", "<isSpam>maybe</isSpam><message>");
    assert!(error(&xml).message.contains("\"maybe\""));
}

#[test]
fn a_file_that_ends_inside_the_root_is_an_error() {
    let err = error("<disqus>\n<category dsq:id=\"1\"></category>\n");
    assert_eq!(err.message, "the file ends inside <disqus>");
    assert_eq!(error("").message, "the file has no root element");
    assert_eq!(
        error("<disqus/><disqus/>").message,
        "there is more after the root element's end"
    );
}

#[test]
fn another_root_element_is_not_a_disqus_export() {
    assert!(error("<rss><channel/></rss>")
        .message
        .starts_with("not a Disqus export"));
}

#[test]
fn processing_instructions_and_comments_are_ignored() {
    let xml = EXPORT.replace(
        "<category",
        "<?xml-stylesheet href=\"s.xsl\"?><!-- hi --><category",
    );
    assert_eq!(read(&xml).unwrap(), read(EXPORT).unwrap());
}

#[test]
fn nesting_past_any_disqus_depth_is_refused() {
    let xml = format!("<disqus>{}", "<a>".repeat(100));
    assert!(error(&xml).message.contains("nested over"));
}

#[test]
fn the_records_end_after_the_first_error() {
    let xml = "<disqus><thread dsq:id=\"1\"><link>l</link></thread><post/><thread dsq:id=\"2\"/></disqus>";
    let mut all = records(Cursor::new(xml), Limits::default());
    assert!(matches!(all.next(), Some(Ok(Record::Thread(_)))));
    assert!(matches!(all.next(), Some(Err(_))));
    assert!(all.next().is_none());
}

#[test]
fn a_bom_is_skipped_a_declared_encoding_read_and_other_bytes_refused() {
    let bom = format!("\u{feff}{}", with_message("m"));
    assert_eq!(posts(&bom).len(), 1);
    let latin1 = b"<disqus>\n<thread dsq:id=\"1\"><link>caf\xe9</link></thread></disqus>";
    let err = records(Cursor::new(&latin1[..]), Limits::default())
        .next()
        .unwrap()
        .unwrap_err();
    assert_eq!(err.line, 2);
    assert!(
        err.message.starts_with("the text cannot be decoded"),
        "{err}"
    );
}

#[test]
fn a_declared_encoding_is_read() {
    let xml = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n\
                <disqus><thread dsq:id=\"1\"><link>l</link><title>Caf\xe9</title></thread></disqus>";
    let records: Vec<_> = records(Cursor::new(&xml[..]), Limits::default()).collect();
    assert!(matches!(&records[0], Ok(Record::Thread(t)) if t.title.as_deref() == Some("Café")));
}
