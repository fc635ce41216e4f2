//! Live servers: drill-down, row fetch and execution (feature `mysql`).
