#!/usr/bin/env python3
"""Record the answers of the real PDF helper as fuzz seeds.

    make-proto-seeds.py HELPER OUTDIR

Each fixture of make-pdfs.py is sent to HELPER (kpiscan-pdf) as one
request; its answer (every frame after the hello, up to and including 'D'
or 'E') is written to OUTDIR/NAME.answer: the seeds of fuzz-pdfproto,
which reads them as the library's reader does.  Kept in
tests/fuzz/corpus/pdfproto/ so the replay test needs no helper.
"""
import importlib.util
import os
import socket
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def answer(helper, data):
    a, b = socket.socketpair()
    p = subprocess.Popen([helper], stdin=b.fileno(), stdout=b.fileno(),
                         stderr=subprocess.DEVNULL)
    b.close()
    f = a.makefile("rb")
    hello = f.read(9)
    assert hello[:1] == b"H", hello
    a.sendall(b"Q" + struct.pack("<I", len(data) + 12) +
              struct.pack("<III", 8, 1 << 20, 10) + data)
    out = bytearray()
    while True:
        h = f.read(5)
        if len(h) < 5:
            break
        n = struct.unpack("<I", h[1:])[0]
        out += h + f.read(n)
        if h[:1] in (b"D", b"E"):
            break
    f.close()
    a.close()
    p.wait()
    return bytes(out)


def main():
    helper, out = sys.argv[1], sys.argv[2]
    spec = importlib.util.spec_from_file_location(
        "make_pdfs", os.path.join(HERE, "make-pdfs.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    os.makedirs(out, exist_ok=True)
    for name, data in sorted(mod.fixtures().items()):
        with open(os.path.join(out, name[:-4] + ".answer"), "wb") as fh:
            fh.write(answer(helper, data))


if __name__ == "__main__":
    main()
