#!/usr/bin/env python3
"""Writes the seed corpus of the record fuzz target, Fuzz/corpus-record/, from the real dumps
in Tests/Fixtures/ruby-dumps/ (Ruby 2.7 to 4.1-dev): for each record shape (type,
imemo_type and the set of keys), the shortest record, and every line that is not valid
JSON (Ruby's unescaped file, method and real_class_name bytes), one file per record.

    Fuzz/make-record-corpus.py      (rewrites the directory; the result is committed)
"""
import glob, gzip, hashlib, json, os, re, shutil

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
out = os.path.join(root, "Fuzz", "corpus-record")
shutil.rmtree(out, ignore_errors=True)
os.makedirs(out)
shapes, broken = {}, []
for path in sorted(glob.glob(os.path.join(root, "Tests/Fixtures/ruby-dumps/*.json.gz"))):
    data = gzip.open(path).read()
    # A record is a line starting with `{` plus the lines after it that do not.
    records = re.split(rb"\n(?=\{)", data)
    for rec in records:
        rec = rec.rstrip(b"\n") + b"\n"
        try:
            o = json.loads(rec)
        except ValueError:
            broken.append(rec)
            continue
        key = (o.get("type"), o.get("imemo_type"), tuple(sorted(o)),
               tuple(sorted(o.get("flags", {}))) if isinstance(o.get("flags"), dict) else ())
        shapes.setdefault(key, []).append(rec)
seeds = set(broken)
for recs in shapes.values():
    seeds.update(sorted(recs, key=len)[:1])
for rec in seeds:
    with open(os.path.join(out, hashlib.sha1(rec).hexdigest()[:16] + ".json"), "wb") as f:
        f.write(rec)
print(f"{len(seeds)} seeds ({len(broken)} invalid lines) from {len(shapes)} shapes, "
      f"{sum(map(len, seeds))} bytes, in {os.path.relpath(out, root)}")
