// SPDX-License-Identifier: GPL-2.0
/*
 * json_check: exit 0 if stdin is exactly one well-formed JSON value (RFC
 * 8259 syntax, no extensions; strings must be valid UTF-8, RFC 3629), else
 * print where it breaks and exit 1.  The guest has no jq or python; the
 * command's --json output is checked with this.
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

/*
 * Length of the well-formed UTF-8 sequence at @s, or 0: no overlong forms,
 * no surrogates (U+D800-U+DFFF), nothing above U+10FFFF, no stray or
 * missing continuation byte (RFC 3629, section 4).
 */
static int utf8(const unsigned char *s)
{
	unsigned char lo = 0x80, hi = 0xbf;
	int n, i;

	if (*s < 0x80)
		return 1;
	if (*s >= 0xc2 && *s <= 0xdf)
		n = 1;
	else if (*s >= 0xe0 && *s <= 0xef)
		n = 2;
	else if (*s >= 0xf0 && *s <= 0xf4)
		n = 3;
	else
		return 0;
	if (*s == 0xe0)
		lo = 0xa0;
	else if (*s == 0xed)
		hi = 0x9f;
	else if (*s == 0xf0)
		lo = 0x90;
	else if (*s == 0xf4)
		hi = 0x8f;
	for (i = 1; i <= n; i++) {
		if (s[i] < lo || s[i] > hi)
			return 0;
		lo = 0x80;
		hi = 0xbf;
	}
	return n + 1;
}

static int string(void)
{
	int n;

	if (*p++ != '"')
		return -1;
	while (*p != '"') {
		if ((unsigned char)*p < 0x20)
			return -1;
		if ((unsigned char)*p >= 0x80) {
			n = utf8((const unsigned char *)p);
			if (!n)
				return -1;
			p += n;
			continue;
		}
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
	case '{':
		return members(depth, '}', 1);
	case '[':
		return members(depth, ']', 0);
	case '"':
		return string();
	case 't':
		return strncmp(p, "true", 4) ? -1 : (p += 4, 0);
	case 'f':
		return strncmp(p, "false", 5) ? -1 : (p += 5, 0);
	case 'n':
		return strncmp(p, "null", 4) ? -1 : (p += 4, 0);
	default:
		return number();
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
	p = buf;
	start = buf;
	if (value(0) == 0) {
		ws();
		if (p == start + len)	/* a NUL byte is not the end */
			return 0;
	}
	fprintf(stderr, "json_check: not valid JSON at byte %td: %.40s\n",
		p - start, p);
	return 1;
}
