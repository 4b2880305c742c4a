"""The analytics.js argument forms, read the way analytics.js reads them."""

from __future__ import annotations

from wootric_web.arguments import (
    read_page_arguments,
    read_track_arguments,
    read_user_arguments,
)

FN = {"$wootric": "function"}  # a JavaScript callback as it arrives on the wire


def ignore(code: str, message: str) -> None:
    pass


def test_identify_reads_id_traits_options_callback() -> None:
    read = read_user_arguments("identify", ["u1", {"a": 1}, {"o": 1}, FN], ignore)
    assert (read.id, read.traits, read.options, read.callback) == ("u1", {"a": 1}, {"o": 1}, FN)


def test_identify_with_traits_first_has_no_id() -> None:
    read = read_user_arguments("identify", [{"a": 1}, {"o": 1}], ignore)
    assert (read.id, read.traits, read.options) == (None, {"a": 1}, {"o": 1})


def test_identify_skips_a_null_id() -> None:
    read = read_user_arguments("identify", [None, {"a": 1}], ignore)
    assert (read.id, read.traits) == (None, {"a": 1})


def test_identify_turns_a_numeric_id_into_a_string() -> None:
    assert read_user_arguments("identify", [42], ignore).id == "42"
    assert read_user_arguments("identify", [42.0], ignore).id == "42"
    assert read_user_arguments("identify", [4.5], ignore).id == "4.5"


def test_identify_takes_the_first_function_as_the_callback() -> None:
    read = read_user_arguments("identify", ["u1", FN, {"o": 1}], ignore)
    assert (read.id, read.traits, read.callback) == ("u1", {}, FN)


def test_identify_with_only_a_callback() -> None:
    read = read_user_arguments("identify", [FN], ignore)
    assert (read.id, read.traits, read.callback) == (None, {}, FN)


def test_identify_ignores_an_empty_id() -> None:
    assert read_user_arguments("identify", ["", {"a": 1}], ignore).id is None


def test_python_callables_are_callbacks() -> None:
    def done() -> None:
        pass

    assert read_user_arguments("identify", ["u1", done], ignore).callback is done


def test_track_reads_event_properties_options_callback() -> None:
    read = read_track_arguments(["e", {"a": 1}, {"o": 1}, FN], ignore)
    assert (read.event, read.properties, read.options, read.callback) == (
        "e",
        {"a": 1},
        {"o": 1},
        FN,
    )


def test_track_with_a_callback_in_place_of_properties() -> None:
    read = read_track_arguments(["e", FN], ignore)
    assert (read.event, read.properties, read.callback) == ("e", {}, FN)


def test_track_properties_that_are_not_an_object_become_empty() -> None:
    assert read_track_arguments(["e", "nope"], ignore).properties == {}
    assert read_track_arguments(["e", [1, 2]], ignore).properties == {}


def test_track_reads_an_event_object_and_its_options() -> None:
    read = read_track_arguments([{"event": "e", "properties": {"a": 1}}, {"o": 1}], ignore)
    assert (read.event, read.properties, read.options) == ("e", {"a": 1}, {"o": 1})


def test_track_without_a_string_event_has_no_event() -> None:
    assert read_track_arguments([], ignore).event is None
    assert read_track_arguments([42], ignore).event is None
    assert read_track_arguments([""], ignore).event is None


def test_page_with_no_arguments() -> None:
    read = read_page_arguments([], ignore)
    assert (read.category, read.name, read.properties, read.options) == (None, None, {}, {})


def test_page_with_one_string_is_the_name() -> None:
    read = read_page_arguments(["Pricing"], ignore)
    assert (read.category, read.name) == (None, "Pricing")


def test_page_with_two_strings_is_category_then_name() -> None:
    read = read_page_arguments(["Docs", "Install", {"a": 1}, {"o": 1}, FN], ignore)
    assert (read.category, read.name, read.properties, read.options, read.callback) == (
        "Docs",
        "Install",
        {"a": 1},
        {"o": 1},
        FN,
    )


def test_page_with_name_and_properties() -> None:
    read = read_page_arguments(["Pricing", {"a": 1}, {"o": 1}], ignore)
    assert (read.category, read.name, read.properties, read.options) == (
        None,
        "Pricing",
        {"a": 1},
        {"o": 1},
    )


def test_page_with_properties_first() -> None:
    read = read_page_arguments([{"a": 1}, {"o": 1}], ignore)
    assert (read.category, read.name, read.properties, read.options) == (
        None,
        None,
        {"a": 1},
        {"o": 1},
    )


def test_page_with_a_null_category_keeps_the_properties() -> None:
    read = read_page_arguments([None, "Pricing", {"a": 1}], ignore)
    assert (read.category, read.name, read.properties) == (None, "Pricing", {"a": 1})


def test_page_with_callbacks_in_every_position() -> None:
    assert read_page_arguments([FN], ignore).callback == FN
    assert read_page_arguments(["A", FN], ignore).callback == FN
    read = read_page_arguments(["A", "B", FN], ignore)
    assert (read.category, read.name, read.callback) == ("A", "B", FN)
    read = read_page_arguments(["A", {"a": 1}, FN], ignore)
    assert (read.name, read.properties, read.callback) == ("A", {"a": 1}, FN)


def test_wire_dates_in_arguments_become_datetimes() -> None:
    from datetime import UTC, datetime

    read = read_user_arguments(
        "identify", [{"d": {"$wootric": "date", "ms": 1420070400000}}], ignore
    )
    assert read.traits == {"d": datetime(2015, 1, 1, tzinfo=UTC)}
