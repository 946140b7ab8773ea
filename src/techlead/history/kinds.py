"""What kind of file a path is: code, or docs, config, build scripts, data, images, other.

The ranked analyses (hotspots, coupling, age, ownership, off-boarding) show code by default:
documentation pages that always change together, images nobody edits and CI YAML touched by
every release otherwise crowd out the source files a lead needs to see. Code is programming-
language source: the suffixes lizard reads plus other languages (shell, Cython, templates,
stylesheets, ...). Manifests (pyproject.toml, package.json), lock files and CI configuration are
config; Makefiles and Dockerfiles are build scripts. `[files] kind_patterns` reassigns paths.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from pathlib import PurePosixPath

from techlead.config import FileKind
from techlead.plurals import counted


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Source languages lizard does not read, or reads under other suffixes.
_MORE_CODE = _words("""
sh bash zsh fish ksh ps1 psm1 bat cmd pyx pxd pxi pyi pyw ipynb ex exs hs lhs ml mli fs fsi fsx
clj cljs cljc dart groovy jl nim cr d pas vb vbs asm s cu cuh glsl hlsl wgsl metal elm purs re
rei svelte astro html htm xhtml css scss sass less styl jinja jinja2 j2 ejs hbs mustache erb haml
slim twig liquid proto graphql gql thrift ino hxx inl ipp tpp c++ h++ cts mts coffee lisp el scm
rkt tcl awk vim raku sv vhd vhdl adb ads cob cbl f77 xsl xslt sc hx nix
""")
_BUILD_NAMES = _words(
    "Makefile GNUmakefile makefile Dockerfile Containerfile Jenkinsfile Rakefile Justfile "
    "justfile Vagrantfile Earthfile BUILD BUILD.bazel WORKSPACE WORKSPACE.bazel MODULE.bazel "
    "SConstruct SConscript CMakeLists.txt meson.build Tiltfile"
)
_BUILD_SUFFIXES = _words(".mk .cmake .gradle .bzl .bazel .dockerfile .sbt")
_CONFIG_NAMES = _words(
    "pyproject.toml setup.cfg tox.ini MANIFEST.in Pipfile Pipfile.lock package.json "
    "package-lock.json npm-shrinkwrap.json yarn.lock pnpm-lock.yaml composer.json composer.lock "
    "Gemfile Gemfile.lock go.mod go.sum go.work Cargo.toml Cargo.lock poetry.lock uv.lock "
    "tsconfig.json jsconfig.json deno.json renovate.json CODEOWNERS OWNERS .gitreview "
    "mkdocs.yml .readthedocs.yaml"
)
_CONFIG_SUFFIXES = _words(
    ".yml .yaml .toml .ini .cfg .conf .config .properties .env .xml .tf .tfvars .hcl "
    ".csproj .fsproj .vbproj .sln .props .targets .gemspec .editorconfig .plist .typed"
)
_DOCS_STEMS = _words(
    "README LICENSE LICENCE COPYING AUTHORS CHANGES CHANGELOG HISTORY NEWS NOTICE CONTRIBUTORS "
    "CONTRIBUTING TODO THANKS INSTALL MAINTAINERS SECURITY CODE_OF_CONDUCT PATENTS"
)
_DOCS_SUFFIXES = _words(
    ".md .markdown .rst .txt .text .adoc .asciidoc .rdoc .org .tex .rtf .pod .man .pdf "
    ".dot .sty .cls .bib .mdx"
)
_IMAGE_SUFFIXES = _words(
    ".png .jpg .jpeg .gif .bmp .ico .icns .svg .webp .tif .tiff .psd .xcf .ai .eps .avif "
    ".heic .drawio .excalidraw"
)
_DATA_SUFFIXES = _words(
    ".csv .tsv .json .jsonl .ndjson .geojson .parquet .sqlite .db .pkl .npy .npz .h5 .dat .po "
    ".pot .mo .pem .crt .key .log .xlsx .xls .avro .arrow"
)


@lru_cache(maxsize=1)
def code_suffixes() -> frozenset[str]:
    """Suffixes of programming-language source: lizard's languages and `_MORE_CODE`."""
    from lizard_languages import languages

    suffixes = {f".{ext.lower()}" for reader in languages() for ext in reader.ext}
    return frozenset(suffixes | {f".{ext}" for ext in _MORE_CODE})


def _requirements(name: str) -> bool:
    return name.startswith("requirements") and name.endswith((".txt", ".in"))


def kind_of(path: str) -> FileKind:
    """The kind a path's name and place suggest (no configuration applied)."""
    pure = PurePosixPath(path)
    name = pure.name
    suffix = pure.suffix.lower() if "." in name.lstrip(".") else ""
    if name in _BUILD_NAMES or suffix in _BUILD_SUFFIXES:
        return "build"
    if name in _CONFIG_NAMES or _requirements(name) or name.endswith(".lock"):
        return "config"
    if suffix in code_suffixes():
        return "code"
    if suffix in _IMAGE_SUFFIXES:
        return "image"
    if suffix in _DOCS_SUFFIXES or name.split(".")[0].upper() in _DOCS_STEMS:
        return "docs"
    if suffix in _CONFIG_SUFFIXES or (name.startswith(".") and not suffix):
        return "config"
    if suffix in _DATA_SUFFIXES:
        return "data"
    return "other"


def classify(paths: list[str], kind_patterns: dict[FileKind, list[str]]) -> list[FileKind]:
    """Each path's kind: the first of `kind_patterns` (kind to gitignore-style patterns, in
    order) that matches it, else the kind its name suggests."""
    kinds = [kind_of(path) for path in paths]
    if not kind_patterns:
        return kinds
    import pathspec

    specs = [
        (kind, pathspec.GitIgnoreSpec.from_lines(patterns))
        for kind, patterns in kind_patterns.items()
    ]
    for index, path in enumerate(paths):
        for kind, spec in specs:
            if spec.match_file(path):
                kinds[index] = kind
                break
    return kinds


def left_out_note(left_out: Counter[str], kept: tuple[str, ...]) -> str | None:
    """'312 non-code files left out (docs 212, ...): --all-files includes them', or None."""
    total = sum(left_out.values())
    if not total:
        return None
    what = "non-code" if kept == ("code",) else f"non-{'/'.join(kept)}"
    parts = ", ".join(f"{kind} {count:,}" for kind, count in sorted(left_out.items()))
    return f"{counted(total, what + ' file')} left out ({parts}): --all-files includes them"
