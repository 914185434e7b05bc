// SPDX-License-Identifier: GPL-2.0
/*
 * json_check: exit 0 if stdin is exactly one well-formed JSON value (RFC
 * 8259 syntax, no extensions), else print where it breaks and exit 1.
 * The guest has no jq or python; the command's --json output is checked
 * with this.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *p, *start;

static int value(int depth);

static void ws(void)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
}

static int string(void)
{
	if (*p++ != '"')
		return -1;
	while (*p != '"') {
		if ((unsigned char)*p < 0x20)
			return -1;
		if (*p == '\\') {
			p++;
			if (*p == 'u') {
				for (int i = 1; i <= 4; i++)
					if (!isxdigit((unsigned char)p[i]))
						return -1;
				p += 4;
			} else if (!strchr("\"\\/bfnrt", *p) || !*p) {
				return -1;
			}
		}
		p++;
	}
	p++;
	return 0;
}

static int number(void)
{
	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (isdigit((unsigned char)*p))
		while (isdigit((unsigned char)*p))
			p++;
	else
		return -1;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		while (isdigit((unsigned char)*p))
			p++;
	}
	return 0;
}

static int members(int depth, char close, int keyed)
{
	p++;
	ws();
	if (*p == close) {
		p++;
		return 0;
	}
	for (;;) {
		if (keyed) {
			if (string())
				return -1;
			ws();
			if (*p++ != ':')
				return -1;
		}
		if (value(depth + 1))
			return -1;
		ws();
		if (*p == close) {
			p++;
			return 0;
		}
		if (*p++ != ',')
			return -1;
		ws();
	}
}

static int value(int depth)
{
	ws();
	if (depth > 64)
		return -1;
	switch (*p) {
	case '{': return members(depth, '}', 1);
	case '[': return members(depth, ']', 0);
	case '"': return string();
	case 't': return strncmp(p, "true", 4) ? -1 : (p += 4, 0);
	case 'f': return strncmp(p, "false", 5) ? -1 : (p += 5, 0);
	case 'n': return strncmp(p, "null", 4) ? -1 : (p += 4, 0);
	default: return number();
	}
}

int main(void)
{
	size_t cap = 1 << 16, len = 0, n;
	char *buf = malloc(cap + 1);

	while (buf && (n = fread(buf + len, 1, cap - len, stdin)) > 0) {
		len += n;
		if (len == cap)
			buf = realloc(buf, (cap *= 2) + 1);
	}
	if (!buf)
		return 2;
	buf[len] = 0;
	start = p = buf;
	if (value(0) == 0) {
		ws();
		if (!*p)
			return 0;
	}
	fprintf(stderr, "json_check: not valid JSON at byte %td: %.40s\n",
		p - start, p);
	return 1;
}
