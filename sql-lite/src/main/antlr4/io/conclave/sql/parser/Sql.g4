// The Conclave SQL statement surface (PostgreSQL-flavoured). One statement per parse.
// Expressions are a ladder of rules from lowest to highest precedence, so that BETWEEN's AND
// and NOT binding are unambiguous without relying on left-recursion rewriting.
grammar Sql;

options { caseInsensitive = true; }

singleStatement : statement SEMI? EOF ;
singleExpression : expr EOF ;

statement
    : EXPLAIN ANALYZE? statement                                            # explainStatement
    | selectStmt                                                            # selectStatement
    | insertStmt                                                            # insertStatement
    | updateStmt                                                            # updateStatement
    | deleteStmt                                                            # deleteStatement
    | createTableStmt                                                       # createTableStatement
    | CREATE UNIQUE? INDEX (IF NOT EXISTS)? name=identifier? ON table=identifier
        LPAREN identifierList RPAREN                                        # createIndexStatement
    | DROP TABLE (IF EXISTS)? identifier                                    # dropTableStatement
    | DROP INDEX (IF EXISTS)? (table=identifier AT_SIGN)? name=identifier        # dropIndexStatement
    | (BEGIN (TRANSACTION)? | START TRANSACTION)                            # beginStatement
    | (COMMIT | END) (TRANSACTION)?                                         # commitStatement
    | ROLLBACK (TRANSACTION)?                                               # rollbackStatement
    | SET CLUSTER SETTING settingName (EQ | TO) setValue                    # setClusterSettingStatement
    | SHOW CLUSTER SETTING settingName                                      # showClusterSettingStatement
    | SHOW CLUSTER SETTINGS                                                 # showClusterSettingsStatement
    | SET identifier (EQ | TO) DEFAULT                                      # setDefaultStatement
    | SET identifier (EQ | TO) setValue                                     # setStatement
    | RESET identifier                                                      # resetStatement
    | SHOW TABLES                                                           # showTablesStatement
    | SHOW USERS                                                            # showUsersStatement
    | SHOW GRANTS (FOR identifier)?                                         # showGrantsStatement
    | SHOW CREATE TABLE identifier                                          # showCreateStatement
    | SHOW RANGES FROM TABLE identifier                                     # showRangesStatement
    | SHOW COLUMNS FROM identifier                                          # showColumnsStatement
    | SHOW identifier                                                       # showVariableStatement
    | ALTER TABLE identifier SPLIT AT VALUES valuesRow (COMMA valuesRow)*   # splitStatement
    | CREATE USER (IF NOT EXISTS)? identifier (WITH? PASSWORD password)?   # createUserStatement
    | ALTER USER identifier WITH? PASSWORD password                        # alterUserStatement
    | DROP USER (IF EXISTS)? identifier                                    # dropUserStatement
    | GRANT privileges ON TABLE? grantTarget TO identifierList             # grantStatement
    | REVOKE privileges ON TABLE? grantTarget FROM identifierList          # revokeStatement
    | GRANT role=identifier TO identifierList                              # grantRoleStatement
    | REVOKE role=identifier FROM identifierList                           # revokeRoleStatement
    ;

password : STRING_LITERAL | NULL ;
privileges : ALL PRIVILEGES? | privilege (COMMA privilege)* ;
privilege : SELECT | INSERT | UPDATE | DELETE | CREATE ;
grantTarget : STAR | identifier ;

setValue : ON | identifier | STRING_LITERAL | INTEGER_LITERAL | TRUE | FALSE ;
settingName : identifier (DOT identifier)* ;

selectStmt
    : SELECT DISTINCT? selectItem (COMMA selectItem)*
      (FROM fromClause (AS OF SYSTEM TIME asOf=expr)?)?
      (WHERE where=expr)?
      (GROUP BY groupBy+=expr (COMMA groupBy+=expr)*)?
      (HAVING having=expr)?
      (ORDER BY orderItem (COMMA orderItem)*)?
      (LIMIT limit=expr)?
      (OFFSET offset=expr)?
      (FOR UPDATE)?
    ;

selectItem
    : STAR                                  # starItem
    | identifier DOT STAR                   # tableStarItem
    | expr (AS? alias=identifier)?          # exprItem
    ;

fromClause : tableRef (joinPart)* ;
joinPart
    : COMMA tableRef                        # commaJoin
    | INNER? JOIN tableRef ON expr          # innerJoin
    ;
tableRef : identifier (AS? alias=identifier)? ;

orderItem : expr (ASC | DESC)? ;

insertStmt
    : (INSERT | UPSERT) INTO identifier (LPAREN identifierList RPAREN)?
      (VALUES valuesRow (COMMA valuesRow)* | selectStmt)
      onConflict?
      returning?
    ;
valuesRow : LPAREN expr (COMMA expr)* RPAREN ;
onConflict
    : ON CONFLICT (LPAREN identifierList RPAREN)? DO
      (NOTHING | UPDATE SET assignment (COMMA assignment)* (WHERE expr)?)
    ;
returning : RETURNING selectItem (COMMA selectItem)* ;
assignment : identifier EQ expr ;

updateStmt : UPDATE identifier SET assignment (COMMA assignment)* (WHERE expr)? returning? ;
deleteStmt : DELETE FROM identifier (WHERE expr)? returning? ;

createTableStmt
    : CREATE TABLE (IF NOT EXISTS)? identifier LPAREN tableElement (COMMA tableElement)* RPAREN ;
tableElement
    : columnDef                                                 # columnElement
    | (CONSTRAINT identifier)? PRIMARY KEY LPAREN identifierList RPAREN   # primaryKeyElement
    | (CONSTRAINT identifier)? UNIQUE LPAREN identifierList RPAREN        # uniqueElement
    ;
columnDef : identifier typeName columnConstraint* ;
columnConstraint
    : NOT NULL                  # notNullConstraint
    | NULL                      # nullConstraint
    | DEFAULT expr              # defaultConstraint
    | PRIMARY KEY               # primaryKeyConstraint
    | UNIQUE                    # uniqueConstraint
    ;

typeName
    : DOUBLE PRECISION
    | identifier (LPAREN INTEGER_LITERAL (COMMA INTEGER_LITERAL)? RPAREN)?
    ;

identifierList : identifier (COMMA identifier)* ;

// ---- expressions, lowest precedence first ----
expr : orExpr ;
orExpr : andExpr (OR andExpr)* ;
andExpr : notExpr (AND notExpr)* ;
notExpr : NOT notExpr | isExpr ;
isExpr : comparison (IS NOT? NULL)? ;
comparison : predicate (compareOp predicate)? ;
compareOp : EQ | NEQ | LT | LTE | GT | GTE ;
predicate
    : concat ( NOT? BETWEEN low=concat AND high=concat
             | NOT? IN LPAREN expr (COMMA expr)* RPAREN
             | NOT? LIKE pattern=concat )?
    ;
concat : additive (CONCAT additive)* ;
additive : multiplicative ((PLUS | MINUS) multiplicative)* ;
multiplicative : unary ((STAR | SLASH | PERCENT) unary)* ;
unary : (MINUS | PLUS) unary | postfix ;
postfix : primary (CAST_OP typeName)* ;
primary
    : literal                                                           # literalPrimary
    | (PARAMETER | QUESTION)                                            # parameterPrimary
    | CAST LPAREN expr AS typeName RPAREN                               # castPrimary
    | identifier LPAREN (STAR | DISTINCT? expr (COMMA expr)*)? RPAREN    # functionPrimary
    | identifier (DOT identifier)?                                      # columnPrimary
    | LPAREN expr RPAREN                                                # parenPrimary
    ;
literal
    : INTEGER_LITERAL
    | DECIMAL_LITERAL
    | STRING_LITERAL
    | HEX_LITERAL
    | TRUE
    | FALSE
    | NULL
    ;

// Keywords a user may still use as a name (Conclave's list of non-reserved words).
identifier : IDENTIFIER | QUOTED_IDENTIFIER | nonReserved ;
nonReserved
    : ANALYZE | CONFLICT | DO | NOTHING | RETURNING | SYSTEM | TIME | TABLES | RANGES | SPLIT
    | TRANSACTION | START | PRECISION | KEY | INDEX | SHOW | UPSERT | DOUBLE | VALUES | EXPLAIN
    | BEGIN | COMMIT | ROLLBACK | END | SET | TO | AT | ALL | COLUMNS | CLUSTER | SETTING | SETTINGS
    | USER | USERS | PASSWORD | PRIVILEGES | WITH | GRANTS | RESET
    ;

// ---- lexer ----
ALL: 'ALL'; ALTER: 'ALTER'; ANALYZE: 'ANALYZE'; AND: 'AND'; AS: 'AS'; ASC: 'ASC'; AT: 'AT';
BEGIN: 'BEGIN'; BETWEEN: 'BETWEEN'; BY: 'BY'; CAST: 'CAST'; CLUSTER: 'CLUSTER'; COMMIT: 'COMMIT'; CONFLICT: 'CONFLICT';
COLUMNS: 'COLUMNS'; CONSTRAINT: 'CONSTRAINT'; CREATE: 'CREATE'; DEFAULT: 'DEFAULT'; DELETE: 'DELETE'; DESC: 'DESC';
DISTINCT: 'DISTINCT'; GRANT: 'GRANT'; GRANTS: 'GRANTS'; PASSWORD: 'PASSWORD'; PRIVILEGES: 'PRIVILEGES';
RESET: 'RESET'; REVOKE: 'REVOKE'; USER: 'USER'; USERS: 'USERS'; WITH: 'WITH'; DO: 'DO'; DOUBLE: 'DOUBLE'; DROP: 'DROP'; END: 'END'; EXISTS: 'EXISTS';
EXPLAIN: 'EXPLAIN'; FALSE: 'FALSE'; FOR: 'FOR'; FROM: 'FROM'; GROUP: 'GROUP'; HAVING: 'HAVING';
IF: 'IF'; IN: 'IN'; INDEX: 'INDEX'; INNER: 'INNER'; INSERT: 'INSERT'; INTO: 'INTO'; IS: 'IS';
JOIN: 'JOIN'; KEY: 'KEY'; LIKE: 'LIKE'; LIMIT: 'LIMIT'; NOT: 'NOT'; NOTHING: 'NOTHING'; NULL: 'NULL';
OF: 'OF'; OFFSET: 'OFFSET'; ON: 'ON'; OR: 'OR'; ORDER: 'ORDER'; PRECISION: 'PRECISION';
PRIMARY: 'PRIMARY'; RANGES: 'RANGES'; RETURNING: 'RETURNING'; ROLLBACK: 'ROLLBACK'; SELECT: 'SELECT';
SET: 'SET'; SETTING: 'SETTING'; SETTINGS: 'SETTINGS'; SHOW: 'SHOW'; SPLIT: 'SPLIT'; START: 'START'; SYSTEM: 'SYSTEM'; TABLE: 'TABLE';
TABLES: 'TABLES'; TIME: 'TIME'; TO: 'TO'; TRANSACTION: 'TRANSACTION'; TRUE: 'TRUE'; UNIQUE: 'UNIQUE';
UPDATE: 'UPDATE'; UPSERT: 'UPSERT'; VALUES: 'VALUES'; WHERE: 'WHERE';

AT_SIGN: '@';
EQ: '='; NEQ: '<>' | '!='; LTE: '<='; GTE: '>='; LT: '<'; GT: '>';
CAST_OP: '::'; CONCAT: '||';
PLUS: '+'; MINUS: '-'; STAR: '*'; SLASH: '/'; PERCENT: '%';
PARAMETER: '$' [0-9]+; QUESTION: '?';
LPAREN: '('; RPAREN: ')'; COMMA: ','; DOT: '.'; SEMI: ';';

HEX_LITERAL: 'X\'' [0-9A-F]* '\'';
STRING_LITERAL: '\'' ( ~'\'' | '\'\'' )* '\'';
INTEGER_LITERAL: [0-9]+;
DECIMAL_LITERAL: [0-9]+ '.' [0-9]* EXPONENT? | '.' [0-9]+ EXPONENT? | [0-9]+ EXPONENT;
fragment EXPONENT: 'E' [+-]? [0-9]+;
IDENTIFIER: [A-Z_] [A-Z_0-9$]*;
QUOTED_IDENTIFIER: '"' ( ~'"' | '""' )* '"';

LINE_COMMENT: '--' ~[\r\n]* -> skip;
BLOCK_COMMENT: '/*' .*? '*/' -> skip;
WHITESPACE: [ \t\r\n]+ -> skip;
UNEXPECTED: . ;
