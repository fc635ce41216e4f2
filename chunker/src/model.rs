//! The table model: columns with their types, nullability, charset and collation, and indexes.
//!
//! A [`Table`] is plain data. It can be built by hand (tests, tools that already know the schema)
//! or loaded from a live server with the `mysql` feature. Everything else in this crate, and the
//! `checksum` and `sync-plan` crates, decide from this model alone.

use serde::{Deserialize, Serialize};

use crate::collation::Collation;

/// One table: where it lives, its columns in ordinal order, its indexes and a row estimate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    /// The database (schema) name.
    pub schema: String,
    /// The table name.
    pub name: String,
    /// Columns in ordinal (`ORDINAL_POSITION`) order.
    pub columns: Vec<Column>,
    /// Every index of the table, `PRIMARY` included.
    pub indexes: Vec<Index>,
    /// The server's row estimate (`information_schema.TABLES.TABLE_ROWS`), if known. For InnoDB it
    /// is approximate; it only sizes the first chunk and the one-chunk shortcut.
    pub approx_rows: Option<u64>,
}

impl Table {
    /// A table with no columns or indexes yet; add them with [`Table::column`] and [`Table::index`].
    pub fn new(schema: impl Into<String>, name: impl Into<String>) -> Table {
        Table {
            schema: schema.into(),
            name: name.into(),
            columns: Vec::new(),
            indexes: Vec::new(),
            approx_rows: None,
        }
    }

    /// Builder: appends a column.
    #[must_use]
    pub fn column(mut self, column: Column) -> Table {
        self.columns.push(column);
        self
    }

    /// Builder: appends an index.
    #[must_use]
    pub fn index(mut self, index: Index) -> Table {
        self.indexes.push(index);
        self
    }

    /// Builder: sets the row estimate.
    #[must_use]
    pub fn approx_rows(mut self, rows: u64) -> Table {
        self.approx_rows = Some(rows);
        self
    }

    /// The column named `name`, compared as MySQL compares column names (ASCII case-insensitive).
    pub fn find_column(&self, name: &str) -> Option<&Column> {
        self.columns
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name))
    }

    /// The index named `name` (ASCII case-insensitive; the primary key is named `PRIMARY`).
    pub fn find_index(&self, name: &str) -> Option<&Index> {
        self.indexes
            .iter()
            .find(|i| i.name.eq_ignore_ascii_case(name))
    }

    /// The primary key, if the table has one.
    pub fn primary_key(&self) -> Option<&Index> {
        self.indexes.iter().find(|i| i.primary)
    }

    /// The columns of `index`, resolved against this table, in index order. `None` when the index
    /// names a column the table does not have (an inconsistent model).
    pub fn index_columns<'t>(&'t self, index: &Index) -> Option<Vec<&'t Column>> {
        index
            .columns
            .iter()
            .map(|ic| self.find_column(&ic.name))
            .collect()
    }

    /// Marks `UNSIGNED` each `FLOAT`, `DOUBLE` or `DECIMAL` column that `other`, the same
    /// table on another server, declares `UNSIGNED` (see
    /// [`Column::unsigned`](Column#structfield.unsigned)), and returns their names. Predicates
    /// that run on both servers (a checksum's chunks) must compare negative bounds as an
    /// `UNSIGNED` column needs on either side: a replica whose column was made `UNSIGNED`
    /// while the primary's is signed is how such a column comes to hold negative values.
    ///
    /// ```
    /// use chunker::{Column, ColumnType, Table};
    /// let k = || Column::new("k", ColumnType::Float { scale: None });
    /// let mut primary = Table::new("d", "t").column(k());
    /// let replica = Table::new("d", "t").column(k().unsigned());
    /// assert_eq!(primary.merge_unsigned(&replica), ["k"]);
    /// assert!(primary.columns[0].unsigned);
    /// ```
    pub fn merge_unsigned(&mut self, other: &Table) -> Vec<String> {
        let mut marked = Vec::new();
        for column in &mut self.columns {
            let theirs = other.find_column(&column.name);
            if !column.unsigned
                && theirs.is_some_and(|c| c.unsigned)
                && matches!(
                    column.column_type,
                    ColumnType::Float { .. }
                        | ColumnType::Double { .. }
                        | ColumnType::Decimal { .. }
                )
            {
                column.unsigned = true;
                marked.push(column.name.clone());
            }
        }
        marked
    }

    /// `schema.name`, unquoted, for messages and reports.
    pub fn qualified_name(&self) -> String {
        format!("{}.{}", self.schema, self.name)
    }
}

/// One column.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    /// The column name as the server spells it.
    pub name: String,
    /// The declared type.
    pub column_type: ColumnType,
    /// Whether the column accepts NULL.
    pub nullable: bool,
    /// The collation of a character column (`None` for numbers, dates and binary strings).
    /// Its charset is [`Collation::charset`].
    pub collation: Option<Collation>,
    /// Whether the value is computed by the server (`VIRTUAL` or `STORED` generated column).
    /// Generated columns are hashed and compared but never written by a repair.
    pub generated: bool,
    /// For a `ZEROFILL` number column, the width in characters to which the server pads the
    /// column's text with leading zeros (its display width: `M` of `INT(M)`, `FLOAT(M,D)` and
    /// `DOUBLE(M,D)`; `M + 1` of `DECIMAL(M,D)` when `D > 0`, the point counts; 12 for plain
    /// `FLOAT`, 22 for plain `DOUBLE`). Text already as wide is not cut. Only the column's text
    /// form is padded: the binary protocol, bound values and arithmetic see the bare number.
    /// `None` without `ZEROFILL`.
    #[serde(default)]
    pub zerofill: Option<u8>,
    /// Whether a `FLOAT`, `DOUBLE` or `DECIMAL` column (with or without `(M,D)`) is declared
    /// `UNSIGNED` (integers say it in [`ColumnType::Integer`], where it changes what the stored
    /// bits mean; for these types it only bounds what a write may store). Such a column can
    /// still hold negative values: row-based replication from a signed column copies them in
    /// unchanged. The server clamps a negative constant to 0 before it scans an index range
    /// on the column, so predicates compare negative bounds otherwise (see
    /// [`predicate`](crate::predicate)). `false` for every other type.
    #[serde(default)]
    pub unsigned: bool,
    /// `M` of a `FLOAT(M,D)` or `DOUBLE(M,D)` column (up to 255): with `D` it bounds what a
    /// write may store, a magnitude of at most `10^(M-D) - 10^-D` after the server has rounded
    /// the value to `D` decimals (99999.99 in a `FLOAT(7,2)`); beyond it strict `sql_mode`
    /// refuses the write (error 1264) and other modes clamp it. The column can still hold
    /// values beyond it: an in-place `ALTER ... ALGORITHM=INSTANT` that gave the column its
    /// `(M,D)`, or row-based replication from a plain column, keeps them. `None` for every
    /// other type, plain `FLOAT` and `DOUBLE` included, and where the model was built without
    /// it (then no range is assumed).
    #[serde(default)]
    pub real_precision: Option<u8>,
}

impl Column {
    /// A NOT NULL, non-generated column without collation (numbers, dates, binary strings).
    pub fn new(name: impl Into<String>, column_type: ColumnType) -> Column {
        Column {
            name: name.into(),
            column_type,
            nullable: false,
            collation: None,
            generated: false,
            zerofill: None,
            unsigned: false,
            real_precision: None,
        }
    }

    /// Builder: marks the column nullable.
    #[must_use]
    pub fn nullable(mut self) -> Column {
        self.nullable = true;
        self
    }

    /// Builder: sets the collation of a character column.
    #[must_use]
    pub fn collation(mut self, collation: Collation) -> Column {
        self.collation = Some(collation);
        self
    }

    /// Builder: marks the column as generated by the server.
    #[must_use]
    pub fn generated(mut self) -> Column {
        self.generated = true;
        self
    }

    /// Builder: marks a number column `ZEROFILL`, its text padded with zeros to `width`
    /// characters (see [`Column::zerofill`](Column#structfield.zerofill)).
    #[must_use]
    pub fn zerofill(mut self, width: u8) -> Column {
        self.zerofill = Some(width);
        self
    }

    /// Builder: marks a `FLOAT`, `DOUBLE` or `DECIMAL` column `UNSIGNED` (see
    /// [`Column::unsigned`](Column#structfield.unsigned)).
    #[must_use]
    pub fn unsigned(mut self) -> Column {
        self.unsigned = true;
        self
    }

    /// Builder: sets `M` of a `FLOAT(M,D)` or `DOUBLE(M,D)` column (see
    /// [`Column::real_precision`](Column#structfield.real_precision)).
    #[must_use]
    pub fn real_precision(mut self, m: u8) -> Column {
        self.real_precision = Some(m);
        self
    }
}

/// The declared type of a column, as far as checksums, chunk boundaries and repair literals care.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum ColumnType {
    /// `TINYINT` (1 byte), `SMALLINT` (2), `MEDIUMINT` (3), `INT` (4), `BIGINT` (8).
    Integer {
        /// Storage size in bytes: 1, 2, 3, 4 or 8.
        bytes: u8,
        /// `UNSIGNED`.
        unsigned: bool,
    },
    /// `DECIMAL(precision, scale)`: exact; values travel as their decimal text.
    Decimal {
        /// Total digits.
        precision: u8,
        /// Digits after the point.
        scale: u8,
    },
    /// `FLOAT` (4-byte IEEE 754), or `FLOAT(M,D)`.
    Float {
        /// `D` of `FLOAT(M,D)` (0 to 30): the server rounds values written to the column to `D`
        /// decimals and shows them with exactly `D` digits after the point (`1.50`). `None` for
        /// plain `FLOAT` (and `FLOAT(p)`).
        scale: Option<u8>,
    },
    /// `DOUBLE` (8-byte IEEE 754; also `REAL`, `DOUBLE PRECISION`, `FLOAT(25)` to `FLOAT(53)`),
    /// or `DOUBLE(M,D)`.
    Double {
        /// `D` of `DOUBLE(M,D)` (0 to 30), as for [`ColumnType::Float`]; `None` for plain
        /// `DOUBLE`.
        scale: Option<u8>,
    },
    /// `BIT(bits)`, 1 to 64 bits; values travel as big-endian bytes.
    Bit {
        /// Declared width in bits.
        bits: u8,
    },
    /// `CHAR(n)`, `VARCHAR(n)`, `TINYTEXT` ... `LONGTEXT`: character data in the column's charset.
    Text {
        /// Which of the character types.
        kind: TextKind,
        /// The declared length in characters (`CHAR`/`VARCHAR`) or maximum bytes (`TEXT` family).
        max_len: u64,
    },
    /// `BINARY(n)`, `VARBINARY(n)`, `TINYBLOB` ... `LONGBLOB`: raw bytes, compared byte by byte.
    Binary {
        /// Which of the binary types.
        kind: TextKind,
        /// The declared length in bytes.
        max_len: u64,
    },
    /// `DATE`.
    Date,
    /// `DATETIME(fsp)`.
    DateTime {
        /// Fractional seconds digits, 0 to 6.
        fsp: u8,
    },
    /// `TIMESTAMP(fsp)`: stored in UTC, shown in the session time zone.
    Timestamp {
        /// Fractional seconds digits, 0 to 6.
        fsp: u8,
    },
    /// `TIME(fsp)`: -838:59:59 to 838:59:59.
    Time {
        /// Fractional seconds digits, 0 to 6.
        fsp: u8,
    },
    /// `YEAR`.
    Year,
    /// `ENUM('a', ...)`: one of the labels, ordered and indexed by declaration order.
    Enum {
        /// The labels in declaration order (index 1 is the first).
        variants: Vec<String>,
    },
    /// `SET('a', ...)`: any subset of the members.
    Set {
        /// The members in declaration order.
        members: Vec<String>,
    },
    /// `JSON` (in MariaDB an alias of `LONGTEXT` with a `JSON_VALID` check).
    Json,
    /// Anything else (spatial types, `INET6`, `UUID`, `VECTOR`, ...), kept by its type name. Such
    /// columns are hashed through their binary form and cannot be used as chunk keys.
    Other {
        /// The type as `information_schema.COLUMNS.COLUMN_TYPE` spells it.
        name: String,
    },
}

/// The four variants shared by the character and binary string families.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TextKind {
    /// `CHAR(n)` / `BINARY(n)`: fixed length (CHAR drops trailing spaces on read; BINARY pads
    /// with zero bytes on write).
    Fixed,
    /// `VARCHAR(n)` / `VARBINARY(n)`.
    Var,
    /// `TEXT` / `BLOB` family.
    Lob,
}

impl ColumnType {
    /// Whether an index on a column of this type can be walked to cut chunks (every type a real
    /// table can key on; [`ColumnType::Other`] and `JSON` cannot).
    pub fn is_chunkable(&self) -> bool {
        !matches!(self, ColumnType::Other { .. } | ColumnType::Json)
    }

    /// Whether values are compared by the column's collation rather than numerically or by bytes.
    pub fn is_collated(&self) -> bool {
        matches!(
            self,
            ColumnType::Text { .. } | ColumnType::Enum { .. } | ColumnType::Set { .. }
        )
    }

    /// Whether the type is `FLOAT` or `DOUBLE`, with or without `(M,D)` (approximate: never
    /// usable in an equality predicate without an exact literal).
    pub fn is_approximate(&self) -> bool {
        matches!(self, ColumnType::Float { .. } | ColumnType::Double { .. })
    }

    /// `D` of a `FLOAT(M,D)` or `DOUBLE(M,D)` column: the digits the server shows after the
    /// point. `None` for every other type, plain `FLOAT` and `DOUBLE` included.
    pub fn real_scale(&self) -> Option<u8> {
        match self {
            ColumnType::Float { scale } | ColumnType::Double { scale } => *scale,
            _ => None,
        }
    }
}

/// One index of a table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    /// The index name; the primary key is `PRIMARY`.
    pub name: String,
    /// The key parts in order.
    pub columns: Vec<IndexColumn>,
    /// Whether the index is `UNIQUE` (the primary key is unique).
    pub unique: bool,
    /// Whether this is the primary key.
    pub primary: bool,
    /// The server's cardinality estimate of the whole key, if known (`SHOW INDEX`,
    /// `information_schema.STATISTICS.CARDINALITY` of the last key part).
    pub cardinality: Option<u64>,
}

impl Index {
    /// The primary key over `columns`.
    pub fn primary<S: Into<String>>(columns: impl IntoIterator<Item = S>) -> Index {
        Index {
            name: "PRIMARY".to_string(),
            columns: columns.into_iter().map(IndexColumn::new).collect(),
            unique: true,
            primary: true,
            cardinality: None,
        }
    }

    /// A unique secondary index.
    pub fn unique<S: Into<String>>(
        name: impl Into<String>,
        columns: impl IntoIterator<Item = S>,
    ) -> Index {
        Index {
            unique: true,
            ..Index::non_unique(name, columns)
        }
    }

    /// A non-unique secondary index.
    pub fn non_unique<S: Into<String>>(
        name: impl Into<String>,
        columns: impl IntoIterator<Item = S>,
    ) -> Index {
        Index {
            name: name.into(),
            columns: columns.into_iter().map(IndexColumn::new).collect(),
            unique: false,
            primary: false,
            cardinality: None,
        }
    }

    /// Builder: sets the cardinality estimate.
    #[must_use]
    pub fn cardinality(mut self, cardinality: u64) -> Index {
        self.cardinality = Some(cardinality);
        self
    }
}

/// One key part of an index.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexColumn {
    /// The column name.
    pub name: String,
    /// A prefix length (`KEY (c(10))`), in characters for text and bytes for binary. A prefix key
    /// part orders rows only by the prefix, so it cannot bound chunks exactly.
    pub prefix_len: Option<u32>,
}

impl IndexColumn {
    /// A whole-column key part.
    pub fn new(name: impl Into<String>) -> IndexColumn {
        IndexColumn {
            name: name.into(),
            prefix_len: None,
        }
    }
}
