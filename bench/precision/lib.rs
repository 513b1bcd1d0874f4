// empty: this manifest only pins the crates that bench/precision.js vendors
