//! A page's context in two parts: the frame every page with one root prefix and
//! section shares (site, navigation, hotline, `timely`, the rendered header and
//! footer: some 16 KB of values), and the page's own values ([`Framed`]).
//!
//! Tera renders from one [`Context`], and cloning the frame into each of a county's
//! 30,000 pages cost about as much as building the page's own values. Instead each
//! rendering thread keeps its own copy of every frame it has used; a page's values are
//! moved into that copy for the page and taken out again afterwards
//! ([`FramePool::render`]). The template sees exactly the context a clone would give.

use std::collections::HashMap;
use std::ops::{Deref, DerefMut};
use std::sync::{Mutex, PoisonError};

use serde_json::{Map, Value};
use tera::Context;

use super::{Section, SiteContext};

/// A page's own context values, with the frame they are rendered in (see the module
/// docs). Derefs to the page's own [`Context`], so values are inserted as into any
/// context.
#[derive(Debug)]
pub struct Framed {
    /// The prefix from the page to the output root (`../../`).
    pub(super) root: String,
    /// The page's section, which the navigation marks.
    pub(super) section: Section,
    /// The page's own values (`page` and whatever its kind adds).
    pub(super) own: Context,
}

impl Framed {
    /// Every value the template sees, frame included, as one context (a copy of the
    /// frame: for a single page, not for rendering many).
    pub fn into_context(self, ctx: &SiteContext<'_>) -> Context {
        let mut full = ctx.base(self.root, self.section);
        full.extend(self.own);
        full
    }
}

impl Deref for Framed {
    type Target = Context;
    fn deref(&self) -> &Context {
        &self.own
    }
}

impl DerefMut for Framed {
    fn deref_mut(&mut self) -> &mut Context {
        &mut self.own
    }
}

/// A rendering thread's copies of the frames it has used, by root prefix and section.
type Frames = HashMap<(String, Section), Context>;

/// The frames of the threads rendering a site: a thread takes a set for one page and
/// puts it back, so each set is used by one page at a time and their number is the
/// number of threads.
#[derive(Debug, Default)]
pub struct FramePool {
    idle: Mutex<Vec<Frames>>,
}

impl FramePool {
    /// Calls `render` with the whole context of `page`: its frame with the page's own
    /// values moved in. A page value with the name of a frame value hides it for this
    /// page only, as [`Context::extend`] would.
    /// `make_frame` makes the frame of a root and section the first time this thread's
    /// set needs it ([`SiteContext::base`]).
    pub fn render<R>(
        &self,
        page: Framed,
        make_frame: impl FnOnce(String, Section) -> Context,
        render: impl FnOnce(&Context) -> R,
    ) -> R {
        let mut frames = self
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop()
            .unwrap_or_default();
        let (root, section) = (page.root, page.section);
        let frame = frames
            .entry((root.clone(), section))
            .or_insert_with(|| make_frame(root, section));
        let Value::Object(own) = page.own.into_json() else {
            unreachable!("a tera context is a JSON object")
        };
        let names: Vec<String> = own.keys().cloned().collect();
        let hidden: Map<String, Value> = names
            .iter()
            .filter_map(|name| frame.remove(name).map(|value| (name.clone(), value)))
            .collect();
        frame.extend(from_map(own));
        let result = render(frame);
        for name in &names {
            frame.remove(name);
        }
        if !hidden.is_empty() {
            frame.extend(from_map(hidden));
        }
        self.idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(frames);
        result
    }
}

/// A context of `map`'s values, moved, not copied.
fn from_map(map: Map<String, Value>) -> Context {
    Context::from_value(Value::Object(map)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context(pairs: &[(&str, &str)]) -> Context {
        let mut c = Context::new();
        for (k, v) in pairs {
            c.insert(*k, v);
        }
        c
    }

    fn page(root: &str, pairs: &[(&str, &str)]) -> Framed {
        Framed {
            root: root.to_string(),
            section: Section::Disclosure,
            own: context(pairs),
        }
    }

    #[test]
    fn a_page_sees_its_frame_and_its_own_values_and_leaves_the_frame_as_it_was() {
        let pool = FramePool::default();
        let made = std::cell::Cell::new(0);
        let frame = |root: String, _| {
            made.set(made.get() + 1);
            context(&[("root", &root), ("site", "乡"), ("page", "frame's")])
        };
        let seen = pool.render(
            page("../", &[("page", "first"), ("hazard", "YH1")]),
            frame,
            |c| c.clone().into_json(),
        );
        let mut expected = frame_of_test("../");
        expected.extend(context(&[("page", "first"), ("hazard", "YH1")]));
        assert_eq!(seen, expected.into_json());
        // The next page in that frame: no value of the first is left, the hidden one is back.
        let seen = pool.render(page("../", &[("notice", "N1")]), frame, |c| {
            c.clone().into_json()
        });
        let mut expected = frame_of_test("../");
        expected.insert("notice", "N1");
        assert_eq!(seen, expected.into_json());
        assert_eq!(made.get(), 1, "the frame is made once per root and section");
        pool.render(page("../../", &[]), frame, |_| ());
        assert_eq!(made.get(), 2);
    }

    fn frame_of_test(root: &str) -> Context {
        context(&[("root", root), ("site", "乡"), ("page", "frame's")])
    }
}
