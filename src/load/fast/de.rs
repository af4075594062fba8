//! A serde `Deserializer` over the fast reader's events, mirroring serde_yaml's own.
//!
//! Each method does what yaml_serde 0.10.7's `DeserializerFromEvents` does for the same method
//! and the same event, for the events the fast reader can produce: no tags, no anchors, no
//! aliases. So a record's `Deserialize` impl sees the very same visitor calls either way. Where
//! serde_yaml would fail, this fails too, with an empty error: the caller then hands the item to
//! serde_yaml, whose message and position are the ones users see.

use super::error::Error;
use super::resolve::{
    Style, parse_bool, parse_borrowed_str, parse_f64, parse_null, parse_signed_int,
    parse_unsigned_int, visit_untagged_scalar,
};
use serde::de::{self, DeserializeSeed, Visitor};
use std::borrow::Cow;

/// One node boundary or scalar, as libyaml's parser reports them.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Event<'a> {
    Scalar(Scalar<'a>),
    SeqStart,
    SeqEnd,
    MapStart,
    MapEnd,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Scalar<'a> {
    /// The scalar's text after escapes, folding and chomping.
    pub(super) value: Cow<'a, str>,
    /// The scalar as written, quotes included, where serde_yaml has it too.
    pub(super) repr: Option<&'a str>,
    pub(super) style: Style,
}

impl<'a> Scalar<'a> {
    fn plain(&self) -> bool {
        self.style == Style::Plain
    }

    fn visit<V: Visitor<'a>>(&self, visitor: V) -> Result<V::Value, Error> {
        match parse_borrowed_str(&self.value, self.repr, self.style) {
            Some(borrowed) => visitor.visit_borrowed_str(borrowed),
            None => visitor.visit_str(&self.value),
        }
    }
}

/// serde_yaml allows 128 levels of nesting; the sequence around an item takes one.
const ITEM_DEPTH: u8 = 127;

pub(super) struct De<'a, 'e> {
    events: &'e [Event<'a>],
    pos: usize,
    remaining_depth: u8,
}

impl<'a, 'e> De<'a, 'e> {
    pub(super) fn new(events: &'e [Event<'a>]) -> Self {
        De {
            events,
            pos: 0,
            remaining_depth: ITEM_DEPTH,
        }
    }

    /// Whether every event was consumed, as serde_yaml's end-of-document check requires.
    pub(super) fn finished(&self) -> bool {
        self.pos == self.events.len()
    }

    fn peek(&self) -> Result<&'e Event<'a>, Error> {
        self.events.get(self.pos).ok_or(Error)
    }

    fn next(&mut self) -> Result<&'e Event<'a>, Error> {
        let event = self.peek()?;
        self.pos += 1;
        Ok(event)
    }

    fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T, Error>) -> Result<T, Error> {
        let previous = self.remaining_depth;
        self.remaining_depth = previous.checked_sub(1).ok_or(Error)?;
        let result = f(self);
        self.remaining_depth = previous;
        result
    }

    fn visit_sequence<V: Visitor<'a>>(&mut self, visitor: V) -> Result<V::Value, Error> {
        let value = self.nested(|de| visitor.visit_seq(Seq { de, empty: false }))?;
        // serde_yaml fails when the visitor left elements unread; so does this.
        match self.next()? {
            Event::SeqEnd => Ok(value),
            _ => Err(Error),
        }
    }

    fn visit_mapping<V: Visitor<'a>>(&mut self, visitor: V) -> Result<V::Value, Error> {
        let value = self.nested(|de| visitor.visit_map(Map { de, empty: false }))?;
        match self.next()? {
            Event::MapEnd => Ok(value),
            _ => Err(Error),
        }
    }

    /// Skips one node, as `deserialize_ignored_any` does.
    fn skip(&mut self) -> Result<(), Error> {
        let mut depth = 0usize;
        loop {
            match self.next()? {
                Event::Scalar(_) => {}
                Event::SeqStart | Event::MapStart => depth += 1,
                Event::SeqEnd | Event::MapEnd => depth = depth.checked_sub(1).ok_or(Error)?,
            }
            if depth == 0 {
                return Ok(());
            }
        }
    }

    /// A plain scalar, for the methods that only take plain ones.
    fn next_plain(&mut self) -> Result<&'e str, Error> {
        match self.next()? {
            Event::Scalar(s) if s.plain() => Ok(&s.value),
            _ => Err(Error),
        }
    }

    /// Whether the next event is the empty plain scalar that stands for an empty collection.
    fn next_is_empty_plain(&mut self) -> Result<bool, Error> {
        Ok(matches!(self.next()?, Event::Scalar(s) if s.plain() && s.value.is_empty()))
    }
}

macro_rules! forward {
    ($($method:ident => $to:ident),* $(,)?) => {
        $(fn $method<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
            self.$to(visitor)
        })*
    };
}

impl<'a> de::Deserializer<'a> for &mut De<'a, '_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.next()? {
            Event::Scalar(s) if s.plain() => {
                visit_untagged_scalar(visitor, &s.value, s.repr, s.style)
            }
            Event::Scalar(s) => s.visit(visitor),
            Event::SeqStart => self.visit_sequence(visitor),
            Event::MapStart => self.visit_mapping(visitor),
            Event::SeqEnd | Event::MapEnd => Err(Error),
        }
    }

    fn deserialize_bool<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        let v = parse_bool(self.next_plain()?).ok_or(Error)?;
        visitor.visit_bool(v)
    }

    forward!(
        deserialize_i8 => deserialize_i64,
        deserialize_i16 => deserialize_i64,
        deserialize_i32 => deserialize_i64,
        deserialize_u8 => deserialize_u64,
        deserialize_u16 => deserialize_u64,
        deserialize_u32 => deserialize_u64,
        deserialize_f32 => deserialize_f64,
        deserialize_char => deserialize_str,
        deserialize_string => deserialize_str,
        deserialize_identifier => deserialize_str,
    );

    fn deserialize_i64<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        let v = parse_signed_int(self.next_plain()?, i64::from_str_radix).ok_or(Error)?;
        visitor.visit_i64(v)
    }

    fn deserialize_i128<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        let v = parse_signed_int(self.next_plain()?, i128::from_str_radix).ok_or(Error)?;
        visitor.visit_i128(v)
    }

    fn deserialize_u64<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        let v = parse_unsigned_int(self.next_plain()?, u64::from_str_radix).ok_or(Error)?;
        visitor.visit_u64(v)
    }

    fn deserialize_u128<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        let v = parse_unsigned_int(self.next_plain()?, u128::from_str_radix).ok_or(Error)?;
        visitor.visit_u128(v)
    }

    fn deserialize_f64<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        let v = parse_f64(self.next_plain()?).ok_or(Error)?;
        visitor.visit_f64(v)
    }

    fn deserialize_str<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.next()? {
            Event::Scalar(s) => s.visit(visitor),
            _ => Err(Error),
        }
    }

    fn deserialize_bytes<V: Visitor<'a>>(self, _: V) -> Result<V::Value, Error> {
        Err(Error)
    }

    fn deserialize_byte_buf<V: Visitor<'a>>(self, _: V) -> Result<V::Value, Error> {
        Err(Error)
    }

    fn deserialize_option<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        let is_some = match self.peek()? {
            Event::Scalar(s) if s.plain() => !s.value.is_empty() && parse_null(&s.value).is_none(),
            Event::Scalar(_) | Event::SeqStart | Event::MapStart => true,
            Event::SeqEnd | Event::MapEnd => return Err(Error),
        };
        if is_some {
            visitor.visit_some(self)
        } else {
            self.pos += 1;
            visitor.visit_none()
        }
    }

    fn deserialize_unit<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        let v = self.next_plain()?;
        if v.is_empty() || parse_null(v).is_some() {
            visitor.visit_unit()
        } else {
            Err(Error)
        }
    }

    fn deserialize_unit_struct<V: Visitor<'a>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'a>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.peek()?;
        self.nested(|de| visitor.visit_newtype_struct(de))
    }

    fn deserialize_seq<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        if let Event::SeqStart = self.peek()? {
            self.pos += 1;
            return self.visit_sequence(visitor);
        }
        if self.next_is_empty_plain()? {
            visitor.visit_seq(Seq {
                de: self,
                empty: true,
            })
        } else {
            Err(Error)
        }
    }

    fn deserialize_tuple<V: Visitor<'a>>(self, _: usize, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'a>>(
        self,
        _: &'static str,
        _: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        if let Event::MapStart = self.peek()? {
            self.pos += 1;
            return self.visit_mapping(visitor);
        }
        if self.next_is_empty_plain()? {
            visitor.visit_map(Map {
                de: self,
                empty: true,
            })
        } else {
            Err(Error)
        }
    }

    fn deserialize_struct<V: Visitor<'a>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_map(visitor)
    }

    /// An untagged scalar names a unit variant; an untagged collection is an error, as in
    /// serde_yaml.
    fn deserialize_enum<V: Visitor<'a>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.peek()? {
            Event::Scalar(_) => visitor.visit_enum(UnitVariant { de: self }),
            _ => Err(Error),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        self.skip()?;
        visitor.visit_unit()
    }
}

struct Seq<'d, 'a, 'e> {
    de: &'d mut De<'a, 'e>,
    empty: bool,
}

impl<'a> de::SeqAccess<'a> for Seq<'_, 'a, '_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'a>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        if self.empty {
            return Ok(None);
        }
        match self.de.peek()? {
            Event::SeqEnd => Ok(None),
            Event::MapEnd => Err(Error),
            _ => seed.deserialize(&mut *self.de).map(Some),
        }
    }
}

struct Map<'d, 'a, 'e> {
    de: &'d mut De<'a, 'e>,
    empty: bool,
}

impl<'a> de::MapAccess<'a> for Map<'_, 'a, '_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'a>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        if self.empty {
            return Ok(None);
        }
        match self.de.peek()? {
            Event::MapEnd => Ok(None),
            Event::SeqEnd => Err(Error),
            _ => seed.deserialize(&mut *self.de).map(Some),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'a>>(&mut self, seed: V) -> Result<V::Value, Error> {
        seed.deserialize(&mut *self.de)
    }
}

/// serde_yaml's `UnitVariantAccess`: the scalar is the variant's name, and only a unit variant
/// can follow.
struct UnitVariant<'d, 'a, 'e> {
    de: &'d mut De<'a, 'e>,
}

impl<'a> de::EnumAccess<'a> for UnitVariant<'_, 'a, '_> {
    type Error = Error;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'a>>(self, seed: V) -> Result<(V::Value, Self), Error> {
        Ok((seed.deserialize(&mut *self.de)?, self))
    }
}

impl<'a> de::VariantAccess<'a> for UnitVariant<'_, 'a, '_> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'a>>(self, _: T) -> Result<T::Value, Error> {
        Err(Error)
    }

    fn tuple_variant<V: Visitor<'a>>(self, _: usize, _: V) -> Result<V::Value, Error> {
        Err(Error)
    }

    fn struct_variant<V: Visitor<'a>>(
        self,
        _: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Error> {
        Err(Error)
    }
}
