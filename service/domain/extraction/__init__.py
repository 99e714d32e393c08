"""Statements out of news text: attribution rules and the trained tagger, speakers, dates.

`statements.StatementExtractor` runs it all:

- `quotes`, `cues`: the quotations of a text; the words that cue an attribution;
- `sources`, `content`: the source of a cue and what it reports, in the dependency parse;
- `rules`, `layout`: the rules that find candidate statements (`candidates`); `tagger`: the trained tagger;
- `mentions`, `speakers`: normalise a speaker mention; resolve a document's mentions, match stored speakers;
- `dates` (with `time_patterns`, `time_values`, `tense`): time expressions and the date of a statement;
- `claims`: a statement's claim span and text.
"""
