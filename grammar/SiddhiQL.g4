// Eddy's grammar for SiddhiQL 5.x apps, written from Eddy's LANGUAGE.md.
//
// The parser only recognises structure; parser/ turns the tree into Eddy's AST and
// checks what a grammar cannot say cleanly (definitions before queries, time units
// in decreasing order, int ranges). Keywords are case-insensitive and may be used
// as names.
grammar SiddhiQL;

// ---------------------------------------------------------------- entry points

parse : appAnnotation* (appElement (';'+ appElement)*)? ';'* EOF ;
parseOnDemandQuery : onDemandQuery ';'? EOF ;
parseExpression : expression EOF ;

appElement : definition | query | partition ;

// ---------------------------------------------------------------- annotations

appAnnotation : '@' APP ':' name ('(' annotationElement (',' annotationElement)* ')')? ;
annotation : '@' name ('(' annotationItem (',' annotationItem)* ')')? ;
annotationItem : annotationElement | annotation ;
annotationElement : (propertyKey '=')? stringLiteral ;
propertyKey : name (('.' | '-' | ':') name)* | stringLiteral ;

// ---------------------------------------------------------------- definitions

definition
  : annotation* defineStream
  | annotation* defineTable
  | annotation* defineWindow
  | annotation* defineAggregation
  | defineTrigger
  | defineFunction
  ;

defineStream : DEFINE STREAM name '(' attributeDef (',' attributeDef)* ')' ;
defineTable : DEFINE TABLE name '(' attributeDef (',' attributeDef)* ')' ;
defineWindow : DEFINE WINDOW name '(' attributeDef (',' attributeDef)* ')' functionCall (OUTPUT eventType)? ;
defineTrigger : DEFINE TRIGGER name AT (EVERY timeValue | stringLiteral) ;
defineFunction : DEFINE FUNCTION name '[' name ']' RETURN attributeType SCRIPT ;
defineAggregation
  : DEFINE AGGREGATION name FROM standardStream selectClause groupBy?
    AGGREGATE (BY attributeReference)? EVERY durations
  ;
durations : timeUnit '...' timeUnit | timeUnit (',' timeUnit)* ;

attributeDef : name attributeType ;
attributeType : STRING | INT | LONG | FLOAT | DOUBLE | BOOL | OBJECT ;

// ---------------------------------------------------------------- queries

query : annotation* FROM queryInput querySection? outputRate? queryOutput ;

// Order matters where two forms read the same text: `from A` is a plain stream,
// not a one-state pattern.
queryInput
  : standardStream
  | joinInput
  | patternInput
  | sequenceInput
  | anonymousStream
  ;

source : ('#' | '!')? name ;
standardStream : source streamHandler* (windowHandler streamHandler*)? ;
streamHandler : filter | streamFunction ;
filter : '#'? '[' expression ']' ;
streamFunction : '#' functionName '(' (expression (',' expression)*)? ')' ;
windowHandler : '#' WINDOW '.' functionName '(' (expression (',' expression)*)? ')' ;
anonymousStream : '(' FROM queryInput querySection? outputRate? RETURN eventType? ')' ;

joinInput
  : joinSource UNIDIRECTIONAL? joinType joinSource UNIDIRECTIONAL?
    (ON expression)? (WITHIN expression (',' expression)? PER expression)?
  ;
joinSource : (source streamHandler* windowHandler? | anonymousStream) (AS name)? ;
joinType
  : JOIN
  | INNER JOIN
  | LEFT OUTER JOIN
  | RIGHT OUTER JOIN
  | FULL OUTER JOIN
  | OUTER JOIN
  ;

// Patterns: states chained with `->`.
patternInput : patternChain (WITHIN timeValue)? ;
patternChain : patternTerm ('->' patternTerm)* ;
patternTerm
  : EVERY? '(' patternChain ')' (WITHIN timeValue)?
  | EVERY? patternState
  ;
patternState
  : logicalState
  | absentState
  | countingState
  | basicState
  ;
basicState : (name '=')? source streamHandler* ;
countingState : basicState '<' countRange '>' ;
countRange : INT_LITERAL | INT_LITERAL ':' | ':' INT_LITERAL | INT_LITERAL ':' INT_LITERAL ;
absentState : NOT source streamHandler* (FOR timeValue)? ;
logicalState
  : basicState (AND | OR) basicState
  | absentState (AND | OR) (basicState | absentState)
  | basicState AND absentState
  ;

// Sequences: states of consecutive events separated by `,`.
sequenceInput : EVERY? sequenceTerm (',' sequenceTerm)+ (WITHIN timeValue)? ;
sequenceTerm
  : '(' logicalState ')'
  | logicalState
  | absentState
  | basicState ('<' countRange '>' | '+' | '*' | '?')?
  ;

querySection : selectClause groupBy? having? orderBy? limit? offset? ;
selectClause : SELECT ('*' | outputAttribute (',' outputAttribute)*) ;
// `expr` without `as` is accepted here so the planner can say what is missing.
outputAttribute : expression (AS name)? ;
groupBy : GROUP BY attributeReference (',' attributeReference)* ;
having : HAVING expression ;
orderBy : ORDER BY orderKey (',' orderKey)* ;
orderKey : attributeReference (ASC | DESC)? ;
limit : LIMIT expression ;
offset : OFFSET expression ;

outputRate
  : OUTPUT (ALL | FIRST | LAST)? EVERY (timeValue | INT_LITERAL EVENTS)
  | OUTPUT SNAPSHOT EVERY timeValue
  ;

queryOutput
  : INSERT eventType? INTO source
  | DELETE name (FOR eventType)? (ON expression)?
  | UPDATE OR INSERT INTO name (FOR eventType)? setClause? ON expression
  | UPDATE name (FOR eventType)? setClause? ON expression
  | RETURN eventType?
  ;
eventType : (CURRENT | EXPIRED | ALL)? EVENTS ;
setClause : SET setAssignment (',' setAssignment)* ;
setAssignment : attributeReference '=' expression ;

// ---------------------------------------------------------------- partitions

partition
  : annotation* PARTITION WITH '(' partitionKey (',' partitionKey)* ')'
    BEGIN (partitionElement (';'+ partitionElement)*)? ';'* END
  ;
// Only queries belong inside; definitions parse so that the error can say so.
partitionElement : query | definition ;
partitionKey
  : rangeCase (OR rangeCase)* OF name
  | expression OF name
  ;
rangeCase : expression AS stringLiteral ;

// ---------------------------------------------------------------- on-demand queries

onDemandQuery
  : FROM name (AS name)? (ON expression)? (WITHIN expression (',' expression)? PER expression)?
    querySection?
  | querySection? onDemandAction
  ;
onDemandAction
  : INSERT INTO name
  | DELETE name (ON expression)?
  | UPDATE OR INSERT INTO name setClause? ON expression
  | UPDATE name setClause? ON expression
  ;

// ---------------------------------------------------------------- expressions
// Precedence, tightest first: () > is null > not > * / % > + - > < <= > >= >
// == != > in > and > or. There is no unary minus: a sign belongs to a number.

expression : orExpression ;
orExpression : andExpression (OR andExpression)* ;
andExpression : inExpression (AND inExpression)* ;
inExpression : equalityExpression (IN name)? ;
equalityExpression : relationalExpression (('==' | '!=') relationalExpression)* ;
relationalExpression : additiveExpression (('<' | '<=' | '>' | '>=') additiveExpression)* ;
additiveExpression : multiplicativeExpression (('+' | '-') multiplicativeExpression)* ;
multiplicativeExpression : notExpression (('*' | '/' | '%') notExpression)* ;
notExpression : NOT notExpression | primaryExpression ;
primaryExpression
  : '(' expression ')'                            # parenthesized
  | constant                                      # constantExpression
  | functionCall (IS NULL_KW)?                    # callExpression
  | eventReference IS NULL_KW                     # eventIsNull
  | attributeReference (IS NULL_KW)?              # attributeExpression
  ;

functionCall : functionName '(' (expression (',' expression)*)? ')' ;
functionName : (name ':')? name ;
attributeReference : (('#' | '!')? name ('[' eventIndex ']')? '.')? name ;
eventReference : name '[' eventIndex ']' ;
eventIndex : INT_LITERAL | LAST ('-' INT_LITERAL)? ;

constant
  : timeValue
  | ('-' | '+')? (INT_LITERAL | LONG_LITERAL | FLOAT_LITERAL | DOUBLE_LITERAL)
  | stringLiteral
  | TRUE
  | FALSE
  ;
timeValue : timePart+ ;
timePart : (INT_LITERAL | FLOAT_LITERAL | DOUBLE_LITERAL | LONG_LITERAL) timeUnit ;
timeUnit
  : YEARS | MONTHS | WEEKS | DAYS | HOURS | MINUTES | SECONDS | MILLISECONDS
  ;
stringLiteral : STRING_LITERAL ;

// Keywords may be used as names.
name : ID | QUOTED_ID | keyword ;
keyword
  : DEFINE | STREAM | TABLE | WINDOW | TRIGGER | FUNCTION | AGGREGATION | AGGREGATE | APP
  | FROM | SELECT | AS | GROUP | BY | ORDER | ASC | DESC | LIMIT | OFFSET | HAVING
  | INSERT | INTO | DELETE | UPDATE | SET | OR | RETURN | EVENTS | CURRENT | EXPIRED | ALL
  | OUTPUT | SNAPSHOT | EVERY | FIRST | LAST | FOR | RAW | OF | ON | IS | NOT | AND | IN
  | WITHIN | WITH | BEGIN | END | NULL_KW | PARTITION | JOIN | INNER | OUTER | LEFT | RIGHT
  | FULL | UNIDIRECTIONAL | AT | PER | TRUE | FALSE | STRING | INT | LONG | FLOAT | DOUBLE
  | BOOL | OBJECT | timeUnit
  ;

// ---------------------------------------------------------------- lexer

DEFINE : D E F I N E ;
STREAM : S T R E A M ;
TABLE : T A B L E ;
WINDOW : W I N D O W ;
TRIGGER : T R I G G E R ;
FUNCTION : F U N C T I O N ;
AGGREGATION : A G G R E G A T I O N ;
AGGREGATE : A G G R E G A T E ;
APP : A P P ;
FROM : F R O M ;
SELECT : S E L E C T ;
AS : A S ;
GROUP : G R O U P ;
BY : B Y ;
ORDER : O R D E R ;
ASC : A S C ;
DESC : D E S C ;
LIMIT : L I M I T ;
OFFSET : O F F S E T ;
HAVING : H A V I N G ;
INSERT : I N S E R T ;
INTO : I N T O ;
DELETE : D E L E T E ;
UPDATE : U P D A T E ;
SET : S E T ;
OR : O R ;
RETURN : R E T U R N ;
EVENTS : E V E N T S ;
CURRENT : C U R R E N T ;
EXPIRED : E X P I R E D ;
ALL : A L L ;
OUTPUT : O U T P U T ;
SNAPSHOT : S N A P S H O T ;
EVERY : E V E R Y ;
FIRST : F I R S T ;
LAST : L A S T ;
FOR : F O R ;
RAW : R A W ;
OF : O F ;
ON : O N ;
IS : I S ;
NOT : N O T ;
AND : A N D ;
IN : I N ;
WITHIN : W I T H I N ;
WITH : W I T H ;
BEGIN : B E G I N ;
END : E N D ;
NULL_KW : N U L L ;
PARTITION : P A R T I T I O N ;
JOIN : J O I N ;
INNER : I N N E R ;
OUTER : O U T E R ;
LEFT : L E F T ;
RIGHT : R I G H T ;
FULL : F U L L ;
UNIDIRECTIONAL : U N I D I R E C T I O N A L ;
AT : A T ;
PER : P E R ;
TRUE : T R U E ;
FALSE : F A L S E ;
STRING : S T R I N G ;
INT : I N T ;
LONG : L O N G ;
FLOAT : F L O A T ;
DOUBLE : D O U B L E ;
BOOL : B O O L ;
OBJECT : O B J E C T ;

YEARS : Y E A R S? ;
MONTHS : M O N T H S? ;
WEEKS : W E E K S? ;
DAYS : D A Y S? ;
HOURS : H O U R S? ;
MINUTES : M I N | M I N U T E S? ;
SECONDS : S E C | S E C O N D S? ;
MILLISECONDS : M I L L I S E C | M I L L I S E C O N D S? ;

ARROW : '->' ;
TRIPLE_DOT : '...' ;

// A function body: balanced braces, any text inside.
SCRIPT : '{' (SCRIPT | ~[{}])* '}' ;

LONG_LITERAL : DIGIT+ [lL] ;
FLOAT_LITERAL : (DIGIT+ ('.' DIGIT*)? | '.' DIGIT+) EXPONENT? [fF] ;
DOUBLE_LITERAL
  : DIGIT+ '.' DIGIT* EXPONENT? [dD]?
  | '.' DIGIT+ EXPONENT? [dD]?
  | DIGIT+ EXPONENT [dD]?
  | DIGIT+ [dD]
  ;
INT_LITERAL : DIGIT+ ;

// No escape sequences: a backslash is an ordinary character.
STRING_LITERAL
  : '"""' .*? '"""'
  | '\'' ~['\r\n]* '\''
  | '"' ~["\r\n]* '"'
  ;
UNTERMINATED_STRING : '\'' ~['\r\n]* | '"' ~["\r\n]* ;

ID : [a-zA-Z_] [a-zA-Z_0-9]* ;
QUOTED_ID : '`' ~[`]+ '`' ;

LINE_COMMENT : '--' ~[\r\n]* -> channel(HIDDEN) ;
BLOCK_COMMENT : '/*' .*? ('*/' | EOF) -> channel(HIDDEN) ;
WS : [ \t\r\n\u000B\f]+ -> channel(HIDDEN) ;

// Anything else is reported by the parser as an unexpected character.
UNEXPECTED_CHAR : . ;

fragment DIGIT : [0-9] ;
fragment EXPONENT : [eE] [+-]? DIGIT+ ;
fragment A : [aA] ; fragment B : [bB] ; fragment C : [cC] ; fragment D : [dD] ;
fragment E : [eE] ; fragment F : [fF] ; fragment G : [gG] ; fragment H : [hH] ;
fragment I : [iI] ; fragment J : [jJ] ; fragment K : [kK] ; fragment L : [lL] ;
fragment M : [mM] ; fragment N : [nN] ; fragment O : [oO] ; fragment P : [pP] ;
fragment Q : [qQ] ; fragment R : [rR] ; fragment S : [sS] ; fragment T : [tT] ;
fragment U : [uU] ; fragment V : [vV] ; fragment W : [wW] ; fragment X : [xX] ;
fragment Y : [yY] ; fragment Z : [zZ] ;
