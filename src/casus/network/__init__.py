"""The network of obligations: if one state attacks another on a date, which states must or may
act, under which provisions, and whom that draws in, round by round.

- `links`: obligations between states (`Link`), grouped by clause (`Pool`, `PoolTable`);
- `builtin`: the obligations of the instruments casus encodes, through the evaluation engine;
- `atop`, `cow`: ATOP facts (read by `casus.schema.atop`) and COW state codes;
- `cascade`: the round-by-round cascade for one pair (the reference semantics, cited);
- `matrix`: the same for every ordered pair of states at once, with bitsets;
- `synth`: synthetic ATOP-shaped data at full scale, for benchmarks and tests;
- `agreement`: casus's hand encoding beside ATOP's coding.

Pure: no file I/O, no CLI. Nothing is imported here, so `import casus.network.cascade` stays
cheap.
"""
