// SPDX-License-Identifier: Apache-2.0
package main

import (
	"fmt"
	"strings"
)

// maxNesting bounds evalExpr's recursion (and so the stack a client can make the server use).
const maxNesting = 1000

// normalizeStmt drops one trailing semicolon. It is small enough that the compiler inlines it into
// handleStmtExecute (checked by the go-testbins tests), which is the case golat must report as inlined.
func normalizeStmt(s string) string {
	if n := len(s); n > 0 && s[n-1] == ';' {
		return s[:n-1]
	}
	return s
}

type stmt struct {
	kind  string // SELECT, UPDATE or SET
	table string // what storage.get reads
	expr  string
}

// parseStmt understands three shapes:
//
//	SELECT <expr> [FROM <table>]
//	UPDATE <table> SET <column> = <expr>
//	SET <variable> = <expr>
//
//go:noinline
func parseStmt(s string) (stmt, error) {
	s = strings.TrimSpace(s)
	kind, rest := s, ""
	if i := strings.IndexByte(s, ' '); i >= 0 {
		kind, rest = s[:i], strings.TrimSpace(s[i+1:])
	}
	kind = strings.ToUpper(kind)
	switch kind {
	case "SELECT":
		st := stmt{kind: kind, table: "dual", expr: rest}
		if i := strings.LastIndex(strings.ToUpper(rest), " FROM "); i >= 0 {
			st.expr, st.table = strings.TrimSpace(rest[:i]), strings.TrimSpace(rest[i+6:])
		}
		return st, nil
	case "UPDATE", "SET":
		eq := strings.IndexByte(rest, '=')
		if eq < 0 {
			return stmt{}, fmt.Errorf("%s needs `= <expr>`: %q", kind, s)
		}
		table := rest
		if i := strings.IndexByte(rest, ' '); i >= 0 {
			table = rest[:i]
		}
		return stmt{kind: kind, table: table, expr: strings.TrimSpace(rest[eq+1:])}, nil
	case "":
		return stmt{}, fmt.Errorf("empty statement")
	}
	return stmt{}, fmt.Errorf("unsupported statement %q: want SELECT, UPDATE or SET", kind)
}

type exprParser struct {
	s   string
	pos int
}

// evalExpr evaluates `term {(+|-|*) term}` left to right, where a term is an integer, a name (worth its
// length) or a parenthesised expression — which evalExpr evaluates by calling itself, so the recursion
// is as deep as the parentheses.
//
//go:noinline
func evalExpr(p *exprParser, depth int) (int64, error) {
	if depth > maxNesting {
		return 0, fmt.Errorf("expression nested deeper than %d", maxNesting)
	}
	acc, err := evalTerm(p, depth)
	for err == nil {
		p.skipSpace()
		if p.pos >= len(p.s) || p.s[p.pos] == ')' {
			break
		}
		op := p.s[p.pos]
		if op != '+' && op != '-' && op != '*' {
			return 0, fmt.Errorf("unexpected %q at offset %d of expression %q", op, p.pos, p.s)
		}
		p.pos++
		var v int64
		v, err = evalTerm(p, depth)
		switch op {
		case '+':
			acc += v
		case '-':
			acc -= v
		case '*':
			acc *= v
		}
	}
	return acc, err
}

func evalTerm(p *exprParser, depth int) (int64, error) {
	p.skipSpace()
	if p.pos >= len(p.s) {
		return 0, fmt.Errorf("expression %q ends early", p.s)
	}
	c := p.s[p.pos]
	switch {
	case c == '(':
		p.pos++
		v, err := evalExpr(p, depth+1)
		if err != nil {
			return 0, err
		}
		if p.pos >= len(p.s) || p.s[p.pos] != ')' {
			return 0, fmt.Errorf("missing ')' at offset %d of expression %q", p.pos, p.s)
		}
		p.pos++
		return v, nil
	case c >= '0' && c <= '9':
		var v int64
		for p.pos < len(p.s) && p.s[p.pos] >= '0' && p.s[p.pos] <= '9' {
			v = v*10 + int64(p.s[p.pos]-'0')
			p.pos++
		}
		return v, nil
	case c == '_' || c == '@' || (c|0x20) >= 'a' && (c|0x20) <= 'z':
		start := p.pos
		for p.pos < len(p.s) && isNameByte(p.s[p.pos]) {
			p.pos++
		}
		return int64(p.pos - start), nil
	}
	return 0, fmt.Errorf("unexpected %q at offset %d of expression %q", c, p.pos, p.s)
}

func isNameByte(c byte) bool {
	return c == '_' || c == '@' || c == '.' || (c >= '0' && c <= '9') || (c|0x20) >= 'a' && (c|0x20) <= 'z'
}

func (p *exprParser) skipSpace() {
	for p.pos < len(p.s) && (p.s[p.pos] == ' ' || p.s[p.pos] == '\t') {
		p.pos++
	}
}
