#!/usr/bin/env python3
"""Dump TensorBoard event files with Google's protobuf runtime: an independent reader of
what src/tblog.c writes (tests/test_tblog_reference.sh).

Usage: scripts/tb-dump.py EVENT_FILE...
Prints one line per record:
  file_version WALL_TIME VERSION
  scalar STEP WALL_TIME TAG VALUE
  session_start STEP WALL_TIME
Exits 1, naming the record, on a bad length or data CRC (masked CRC-32C, python3-crc32c),
a record that does not parse as an Event, fields the writer should not set, or bytes that
differ from the protobuf runtime's own serialization of the parsed Event.

Needs the Debian packages python3-protobuf and python3-crc32c. The Event schema is built in
code with the field numbers of TensorBoard's event.proto and summary.proto (the subset the
writer uses), so neither protoc nor TensorFlow is needed.
"""
import struct
import sys

import crc32c
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

F = descriptor_pb2.FieldDescriptorProto


def event_class():
    fdp = descriptor_pb2.FileDescriptorProto(
        name="ddpg_tb_event.proto", package="tensorboard", syntax="proto3")

    summary = fdp.message_type.add(name="Summary")
    value = summary.nested_type.add(name="Value")
    value.field.add(name="tag", number=1, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL)
    value.oneof_decl.add(name="value")
    value.field.add(name="simple_value", number=2, type=F.TYPE_FLOAT,
                    label=F.LABEL_OPTIONAL, oneof_index=0)
    summary.field.add(name="value", number=1, type=F.TYPE_MESSAGE,
                      type_name=".tensorboard.Summary.Value", label=F.LABEL_REPEATED)

    session_log = fdp.message_type.add(name="SessionLog")
    status = session_log.enum_type.add(name="SessionStatus")
    for name, number in (("STATUS_UNSPECIFIED", 0), ("START", 1), ("STOP", 2),
                         ("CHECKPOINT", 3)):
        status.value.add(name=name, number=number)
    session_log.field.add(name="status", number=1, type=F.TYPE_ENUM,
                          type_name=".tensorboard.SessionLog.SessionStatus",
                          label=F.LABEL_OPTIONAL)

    event = fdp.message_type.add(name="Event")
    event.field.add(name="wall_time", number=1, type=F.TYPE_DOUBLE, label=F.LABEL_OPTIONAL)
    event.field.add(name="step", number=2, type=F.TYPE_INT64, label=F.LABEL_OPTIONAL)
    event.oneof_decl.add(name="what")
    event.field.add(name="file_version", number=3, type=F.TYPE_STRING,
                    label=F.LABEL_OPTIONAL, oneof_index=0)
    event.field.add(name="summary", number=5, type=F.TYPE_MESSAGE,
                    type_name=".tensorboard.Summary", label=F.LABEL_OPTIONAL, oneof_index=0)
    event.field.add(name="session_log", number=7, type=F.TYPE_MESSAGE,
                    type_name=".tensorboard.SessionLog", label=F.LABEL_OPTIONAL,
                    oneof_index=0)

    pool = descriptor_pool.DescriptorPool()
    pool.Add(fdp)
    return message_factory.MessageFactory(pool).GetPrototype(
        pool.FindMessageTypeByName("tensorboard.Event"))


def masked_crc(data):
    c = crc32c.crc32c(data)
    return (((c >> 15) | (c << 17)) + 0xa282ead8) & 0xFFFFFFFF


def records(path):
    with open(path, "rb") as f:
        data = f.read()
    off = 0
    while off < len(data):
        if len(data) - off < 12:
            raise ValueError(f"truncated header at byte {off}")
        (n,) = struct.unpack_from("<Q", data, off)
        (len_crc,) = struct.unpack_from("<I", data, off + 8)
        if len_crc != masked_crc(data[off:off + 8]):
            raise ValueError(f"length CRC mismatch at byte {off}")
        if len(data) - off - 12 < n + 4:
            raise ValueError(f"truncated record at byte {off}")
        rec = data[off + 12:off + 12 + n]
        (data_crc,) = struct.unpack_from("<I", data, off + 12 + n)
        if data_crc != masked_crc(rec):
            raise ValueError(f"data CRC mismatch at byte {off}")
        yield off, rec
        off += 12 + n + 4


def dump(path, Event):
    for off, rec in records(path):
        ev = Event()
        ev.ParseFromString(rec)
        if ev.SerializeToString() != rec:
            raise ValueError(f"record at byte {off} is not the canonical encoding of its Event "
                             "(unknown or repeated fields?)")
        what = ev.WhichOneof("what")
        if what == "file_version":
            print(f"file_version {ev.wall_time!r} {ev.file_version}")
        elif what == "summary":
            if len(ev.summary.value) != 1 or ev.summary.value[0].WhichOneof("value") is None:
                raise ValueError(f"record at byte {off}: not one simple_value")
            v = ev.summary.value[0]
            print(f"scalar {ev.step} {ev.wall_time!r} {v.tag} {v.simple_value!r}")
        elif what == "session_log" and ev.session_log.status == 1:
            print(f"session_start {ev.step} {ev.wall_time!r}")
        else:
            raise ValueError(f"record at byte {off}: unexpected Event {what}")


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: scripts/tb-dump.py EVENT_FILE...")
    Event = event_class()
    for path in sys.argv[1:]:
        try:
            dump(path, Event)
        except (OSError, ValueError) as e:
            sys.exit(f"tb-dump: {path}: {e}")


if __name__ == "__main__":
    main()
