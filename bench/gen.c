/*
 * gen.c: the benchmark's archive generator (build/bench-gen).  Takes real
 * articles (*.md) and page dumps (*.txt) as a pool of titles, headings,
 * tags and paragraphs, and writes a synthetic project of N articles with
 * places, organizations, reporters, dates and tags drawn from a seeded
 * PRNG: the same seed and sources give the same bytes.
 */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "folio.h"

/* A province, its prefectures and their counties (NULL city: a
 * municipality whose districts hang directly below it). */
struct place {
	const char	*prov;		/* "辽宁省"; static */
	const char	*city;		/* "锦州市"; static, or NULL */
	const char	*counties[4];	/* NULL-terminated; static */
};

static const struct place places[] = {
	{ "北京市", NULL, { "平谷区", "延庆区", "密云区", NULL } },
	{ "天津市", NULL, { "蓟州区", "宝坻区", NULL } },
	{ "上海市", NULL, { "浦东新区", "崇明区", "金山区", NULL } },
	{ "重庆市", NULL, { "巫山县", "城口县", "石柱土家族自治县", NULL } },
	{ "河北省", "石家庄市", { "正定县", "平山县", "赞皇县", NULL } },
	{ "河北省", "保定市", { "阜平县", "涞源县", "易县", NULL } },
	{ "山西省", "长治市", { "平顺县", "壶关县", "沁县", NULL } },
	{ "山西省", "临汾市", { "洪洞县", "吉县", NULL } },
	{ "内蒙古自治区", "赤峰市", { "宁城县", "林西县", NULL } },
	{ "内蒙古自治区", "鄂尔多斯市", { "准格尔旗", "伊金霍洛旗", NULL } },
	{ "辽宁省", "锦州市", { "北镇市", "黑山县", "义县", NULL } },
	{ "辽宁省", "大连市", { "庄河市", "长海县", NULL } },
	{ "吉林省", "延边朝鲜族自治州", { "延吉市", "和龙市", NULL } },
	{ "吉林省", "四平市", { "梨树县", "伊通满族自治县", NULL } },
	{ "黑龙江省", "哈尔滨市", { "五常市", "尚志市", NULL } },
	{ "黑龙江省", "齐齐哈尔市", { "克山县", "依安县", NULL } },
	{ "江苏省", "苏州市", { "昆山市", "太仓市", "常熟市", NULL } },
	{ "江苏省", "徐州市", { "沛县", "丰县", "睢宁县", NULL } },
	{ "浙江省", "湖州市", { "安吉县", "德清县", "长兴县", NULL } },
	{ "浙江省", "杭州市", { "桐庐县", "淳安县", NULL } },
	{ "安徽省", "六安市", { "金寨县", "霍山县", NULL } },
	{ "安徽省", "黄山市", { "黟县", "歙县", NULL } },
	{ "福建省", "南平市", { "光泽县", "武夷山市", "浦城县", NULL } },
	{ "福建省", "宁德市", { "屏南县", "寿宁县", NULL } },
	{ "江西省", "赣州市", { "瑞金市", "兴国县", "于都县", NULL } },
	{ "江西省", "吉安市", { "井冈山市", "永新县", NULL } },
	{ "山东省", "济宁市", { "汶上县", "曲阜市", "泗水县", NULL } },
	{ "山东省", "临沂市", { "沂南县", "蒙阴县", NULL } },
	{ "河南省", "信阳市", { "新县", "光山县", NULL } },
	{ "河南省", "开封市", { "兰考县", "杞县", NULL } },
	{ "湖北省", "恩施土家族苗族自治州", { "恩施市", "利川市", NULL } },
	{ "湖北省", "黄冈市", { "红安县", "麻城市", NULL } },
	{ "湖南省", "湘西土家族苗族自治州", { "花垣县", "凤凰县", NULL } },
	{ "湖南省", "株洲市", { "炎陵县", "茶陵县", NULL } },
	{ "广东省", "清远市", { "英德市", "连州市", NULL } },
	{ "广东省", "梅州市", { "大埔县", "平远县", NULL } },
	{ "广西壮族自治区", "河池市", { "巴马瑶族自治县", "东兰县", NULL } },
	{ "广西壮族自治区", "桂林市", { "龙胜各族自治县", "阳朔县", NULL } },
	{ "海南省", "海口市", { "秀英区", "琼山区", NULL } },
	{ "四川省", "乐山市", { "市中区", "峨眉山市", "沐川县", NULL } },
	{ "四川省", "凉山彝族自治州", { "昭觉县", "布拖县", NULL } },
	{ "贵州省", "黔东南苗族侗族自治州", { "雷山县", "从江县", NULL } },
	{ "贵州省", "遵义市", { "湄潭县", "赤水市", NULL } },
	{ "云南省", "怒江傈僳族自治州", { "福贡县", "泸水市", NULL } },
	{ "云南省", "大理白族自治州", { "宾川县", "洱源县", NULL } },
	{ "西藏自治区", "拉萨市", { "墨竹工卡县", "尼木县", NULL } },
	{ "陕西省", "延安市", { "延川县", "安塞区", NULL } },
	{ "陕西省", "商洛市", { "柞水县", "山阳县", NULL } },
	{ "甘肃省", "定西市", { "渭源县", "通渭县", NULL } },
	{ "甘肃省", "陇南市", { "康县", "礼县", NULL } },
	{ "青海省", "海东市", { "互助土族自治县", "化隆回族自治县", NULL } },
	{ "宁夏回族自治区", "固原市", { "西吉县", "隆德县", NULL } },
	{ "新疆维吾尔自治区", "喀什地区", { "疏附县", "英吉沙县", NULL } },
	{ "新疆维吾尔自治区", "阿克苏地区", { "柯坪县", "乌什县", NULL } },
};

/* Organization names: %s is the county (or the city, for [1]). */
static const char *const orgs[] = {
	"中共%s委组织部", "中共%s委宣传部", "%s民政局", "%s融媒体中心",
	"中共%s委政法委员会", "%s妇女联合会", "%s农业农村局",
	"%s住房和城乡建设局",
};

static const char *const surnames[] = {
	"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐",
	"孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗", "梁", "宋",
	"郑", "谢", "韩", "唐", "冯", "于", "董", "萧", "程", "曹", "袁",
	"邓", "许", "傅", "沈", "曾", "彭", "吕", "孟", "欧阳",
};

static const char *const given[] = {
	"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇",
	"艳", "杰", "娟", "涛", "明", "超", "秀英", "霞", "平", "刚",
	"文治", "航", "晓东", "海燕", "建国", "志强", "雪梅", "春华", "宇",
	"婷", "鹏", "慧敏", "立新", "红梅", "振华",
};

/* Topic tags; earlier ones are drawn more often (a skewed pick). */
static const char *const tags[] = {
	"党建引领", "乡村振兴", "基层治理", "网格化管理", "红色物业",
	"业委会", "社区治理", "为民服务", "村级集体经济", "党员教育",
	"人才振兴", "产业振兴", "平安建设", "矛盾纠纷化解", "志愿服务",
	"老旧小区改造", "新就业群体", "民生实事", "数字治理", "文明实践",
	"移风易俗", "村规民约", "驻村第一书记", "两新组织", "基层减负",
	"社会组织", "养老服务", "托育服务", "城市更新", "物业管理",
	"接诉即办", "枫桥经验", "清廉村居", "法治乡村", "生态宜居",
	"特色产业", "电商直播", "合作社", "联农带农", "乡村旅游",
	"抓党建促乡村振兴", "城市基层党建", "楼栋长", "小区党支部",
	"党群服务中心", "积分制", "清单制", "五星支部", "头雁工程",
	"村干部队伍", "流动党员", "快递小哥", "外卖骑手", "新业态",
	"共享菜园", "邻里中心", "一老一小", "易地扶贫搬迁", "防返贫",
	"高标准农田", "粮食安全", "人居环境整治", "厕所革命", "垃圾分类",
};

/* The pools drawn from the sources. */
struct pool {
	char	**items;	/* each owned; NUL-terminated text */
	size_t	  n;		/* entries in items */
};

struct gen {
	uint64_t	 rng;		/* splitmix64 state */
	struct pool	 paras;		/* body paragraphs */
	struct pool	 titles;	/* article titles */
	struct pool	 heads;		/* subheadings (and photo captions) */
	struct pool	 srctags;	/* tags found in the sources */
	struct pool	 reporters;	/* "张伟" ... made once */
	size_t		 nsrcfiles;	/* source files read, for messages */
};

static uint64_t
rnd(struct gen *g)
{
	uint64_t	 z;

	z = (g->rng += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in 0..n-1 (n > 0). */
static size_t
pick(struct gen *g, size_t n)
{
	return (size_t)(rnd(g) % n);
}

/* Skewed towards 0: a few tags and reporters carry many articles. */
static size_t
pick_skewed(struct gen *g, size_t n)
{
	double	 r = (double)(rnd(g) >> 11) / 9007199254740992.0;

	return (size_t)(r * r * (double)n);
}

static void
pool_add(struct pool *p, const char *s, size_t n)
{
	size_t	 i;

	while (n > 0 && *s == ' ')
		s++, n--;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\r'))
		n--;
	if (n == 0)
		return;
	for (i = 0; i < p->n && i < 64; i++)	/* cheap duplicate check */
		if (strlen(p->items[p->n - 1 - i]) == n &&
		    memcmp(p->items[p->n - 1 - i], s, n) == 0)
			return;
	p->items = xreallocarray(p->items, p->n + 1, sizeof(char *));
	p->items[p->n++] = xstrndup(s, n);
}

static void
pool_free(struct pool *p)
{
	size_t	 i;

	for (i = 0; i < p->n; i++)
		free(p->items[i]);
	free(p->items);
}

/* Count UTF-8 characters (not bytes) in s[0..n). */
/* Does s[0..n) contain the string w? */
static int
has(const char *s, size_t n, const char *w)
{
	size_t	 k = strlen(w), i;

	for (i = 0; i + k <= n; i++)
		if (memcmp(s + i, w, k) == 0)
			return 1;
	return 0;
}

/* A front matter value: strip quotes of "x" / 'x'. */
static void
fm_value(struct pool *p, const char *v, size_t n)
{
	while (n > 0 && *v == ' ')
		v++, n--;
	if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0])
		v++, n -= 2;
	if (memchr(v, '\\', n) == NULL)	/* escapes: not worth decoding */
		pool_add(p, v, n);
}

/* tags: [a, b] on one line. */
static void
fm_tags(struct gen *g, const char *v, size_t n)
{
	const char	*e;

	if (n < 2 || v[0] != '[' || v[n - 1] != ']')
		return;
	v++, n -= 2;
	while (n > 0) {
		e = memchr(v, ',', n);
		fm_value(&g->srctags, v, e ? (size_t)(e - v) : n);
		if (e == NULL)
			break;
		n -= (size_t)(e - v) + 1;
		v = e + 1;
	}
}

/* One line of an article's Markdown body or of a page dump. */
static void
take_line(struct gen *g, const char *s, size_t n, int md)
{
	const char	*colon;
	size_t		 c;

	while (n > 0 && (*s == ' ' || *s == '\t'))
		s++, n--;
	if (n == 0)
		return;
	if (n > 3 && s[0] == '#') {	/* page dumps have "### " too */
		while (n > 0 && (*s == '#' || *s == ' '))
			s++, n--;
		pool_add(&g->heads, s, n);
		return;
	}
	if (strchr("<|>-*![`", s[0]) != NULL || (s[0] >= '0' && s[0] <= '9' &&
	    n > 1 && s[1] == '.'))
		return;		/* markup: keep only plain paragraphs */
	c = utf8_count(s, n);
	if (c >= 40) {
		pool_add(&g->paras, s, n);
		return;
	}
	if (md || c < 5 || has(s, n, "。") || has(s, n, "■") ||
	    has(s, n, "版）") || has(s, n, "版)"))
		return;
	/* A page dump's "PLACE：HEADLINE" title, or a subheading. */
	if ((colon = strstr(s, "：")) != NULL && (size_t)(colon - s) < n &&
	    (size_t)(colon - s) <= 30)
		pool_add(&g->titles, colon + 3, n - (size_t)(colon - s) - 3);
	else if (!has(s, n, "供图") && !has(s, n, "摄"))
		pool_add(&g->heads, s, n);
}

static int
read_source(struct gen *g, const char *path)
{
	struct buf	 in;
	const char	*s, *e, *end, *colon;
	size_t		 n, len = strlen(path);
	int		 md = len > 3 && strcmp(path + len - 3, ".md") == 0;
	int		 infm = 0, line = 0;

	buf_init(&in);
	if (file_read(path, &in) == -1) {
		buf_free(&in);
		return -1;
	}
	g->nsrcfiles++;
	for (s = in.p, end = in.p + in.len; s < end; s = e + 1) {
		if ((e = memchr(s, '\n', (size_t)(end - s))) == NULL)
			e = end;
		n = (size_t)(e - s);
		line++;
		if (md && line == 1 && n == 3 && memcmp(s, "---", 3) == 0) {
			infm = 1;
			continue;
		}
		if (infm) {
			if (n == 3 && memcmp(s, "---", 3) == 0)
				infm = 0;
			else if (n > 6 && memcmp(s, "title:", 6) == 0)
				fm_value(&g->titles, s + 6, n - 6);
			else if (n > 5 && memcmp(s, "tags:", 5) == 0) {
				colon = s + 5;
				while (colon < e && *colon == ' ')
					colon++;
				fm_tags(g, colon, (size_t)(e - colon));
			}
			continue;
		}
		take_line(g, s, n, md);
	}
	buf_free(&in);
	return 0;
}

static int
name_cmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* A file, or every *.md and *.txt in a folder (sorted, one level). */
static int
read_sources(struct gen *g, const char *path)
{
	struct dirent	**ents = NULL;
	struct stat	  st;
	char		 *p;
	size_t		  n;
	int		  i, nents, rc = 0;

	if (stat(path, &st) == -1) {
		diag_err(path, 0, 0, "cannot read: %s", strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return read_source(g, path);
	if ((nents = scandir(path, &ents, NULL, name_cmp)) < 0) {
		diag_err(path, 0, 0, "cannot read folder: %s", strerror(errno));
		return -1;
	}
	for (i = 0; i < nents; i++) {
		n = strlen(ents[i]->d_name);
		if (rc == 0 && ents[i]->d_name[0] != '.' &&
		    ((n > 3 && strcmp(ents[i]->d_name + n - 3, ".md") == 0) ||
		    (n > 4 && strcmp(ents[i]->d_name + n - 4, ".txt") == 0))) {
			p = xasprintf("%s/%s", path, ents[i]->d_name);
			rc = read_source(g, p);
			free(p);
		}
		free(ents[i]);
	}
	free(ents);
	return rc;
}

static int
days_in(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

static void
yaml_str(struct buf *b, const char *key, const char *s)
{
	buf_printf(b, "%s: ", key);
	esc_yaml(b, s, strlen(s));
	buf_putc(b, '\n');
}

/* One article: front matter and a body of about target bytes. */
static void
article(struct gen *g, size_t i, size_t nart, struct buf *b)
{
	const struct place	*pl;
	const char		*county, *used[4];
	char			 place[256], org[256], title[512];
	char			 who[2][64];
	size_t			 nc, k, j, ntags, nwho = 0, target, start;
	int			 y, m, d, day, dup;

	pl = &places[pick(g, sizeof(places) / sizeof(places[0]))];
	for (nc = 0; pl->counties[nc] != NULL; nc++)
		;
	county = pl->counties[pick(g, nc)];
	snprintf(place, sizeof(place), "%s%s%s", pl->prov,
	    pl->city && has(county, strlen(county), "区") ? pl->city : "",
	    county);
	k = pick(g, sizeof(orgs) / sizeof(orgs[0]));
	snprintf(org, sizeof(org), orgs[k],
	    k == 1 && pl->city ? pl->city : county);

	/* Titles: a real one as it is, or a real one led by the county. */
	if (g->titles.n > 0 && pick(g, 10) < 6)
		snprintf(title, sizeof(title), "%s",
		    g->titles.items[pick(g, g->titles.n)]);
	else if (g->heads.n > 0)
		snprintf(title, sizeof(title), "%s：%s", county,
		    g->heads.items[pick(g, g->heads.n)]);
	else
		snprintf(title, sizeof(title), "%s基层治理纪实之%zu", county, i);

	buf_puts(b, "---\n");
	yaml_str(b, "title", title);
	yaml_str(b, "place", place);
	buf_puts(b, "region: [");
	esc_yaml(b, pl->prov, strlen(pl->prov));
	if (pl->city) {
		buf_puts(b, ", ");
		esc_yaml(b, pl->city, strlen(pl->city));
	}
	buf_puts(b, ", ");
	esc_yaml(b, county, strlen(county));
	buf_puts(b, "]\n");
	if (pick(g, 2) == 0) {
		yaml_str(b, "byline", org);
	} else {
		nwho = 1 + pick(g, 2);
		for (k = 0; k < nwho; k++)
			snprintf(who[k], sizeof(who[k]), "%s", g->reporters.items[
			    pick_skewed(g, g->reporters.n)]);
		if (nwho == 2 && strcmp(who[0], who[1]) == 0)
			nwho = 1;
		snprintf(title, sizeof(title), "本报记者 %s%s%s", who[0],
		    nwho > 1 ? " " : "", nwho > 1 ? who[1] : "");
		yaml_str(b, "byline", title);
		buf_puts(b, "authors: [");
		for (k = 0; k < nwho; k++) {
			if (k > 0)
				buf_puts(b, ", ");
			esc_yaml(b, who[k], strlen(who[k]));
		}
		buf_puts(b, "]\n");
	}
	yaml_str(b, "organization", org);

	/* Dates: 2019-01-01 .. 2025-12-31, spread evenly. */
	day = (int)pick(g, 7 * 365 + 2);
	for (y = 2019; day >= (days_in(y, 2) == 29 ? 366 : 365); y++)
		day -= days_in(y, 2) == 29 ? 366 : 365;
	for (m = 1; day >= days_in(y, m); m++)
		day -= days_in(y, m);
	d = day + 1;
	buf_printf(b, "date: %04d-%02d-%02d\n", y, m, d);

	ntags = 1 + pick(g, 4);
	buf_puts(b, "tags: [");
	for (k = 0; k < ntags; k++) {
		if (g->srctags.n > 0 && pick(g, 5) == 0)
			used[k] = g->srctags.items[pick(g, g->srctags.n)];
		else
			used[k] = tags[pick_skewed(g,
			    sizeof(tags) / sizeof(tags[0]))];
		for (dup = 0, j = 0; j < k; j++)
			dup |= strcmp(used[j], used[k]) == 0;
		if (dup) {
			k--, ntags--;
			continue;
		}
		if (k > 0)
			buf_puts(b, ", ");
		esc_yaml(b, used[k], strlen(used[k]));
	}
	buf_puts(b, "]\n");
	if (pick(g, 5) == 0 && g->heads.n > 0) {
		snprintf(title, sizeof(title), "%s%s", county,
		    g->heads.items[pick(g, g->heads.n)]);
		buf_puts(b, "photos:\n  - caption: ");
		esc_yaml(b, title, strlen(title));
		snprintf(title, sizeof(title), "%s供图", org);
		buf_puts(b, "\n    credit: ");
		esc_yaml(b, title, strlen(title));
		buf_putc(b, '\n');
	}
	start = 1 + pick(g, 200);
	buf_printf(b, "source:\n  file: %03zu_%08llx.txt\n  lines: \"%zu-%zu\"\n",
	    i * 997 % (nart / 8 + 1),
	    (unsigned long long)(hash64(&i, sizeof(i), 0) & 0xffffffffULL),
	    start, start + 10 + pick(g, 40));
	buf_puts(b, "---\n");

	/* Body: real paragraphs, a subheading now and then.  Sizes 1.5 to
	 * 9.5 KB, about the spread of the imported articles. */
	target = b->len + 1500 + pick(g, 8000);
	for (k = 0; b->len < target; k++) {
		if (k > 0 && k % 4 == 0 && g->heads.n > 0 && pick(g, 2) == 0)
			buf_printf(b, "## %s\n\n",
			    g->heads.items[pick(g, g->heads.n)]);
		buf_printf(b, "%s\n\n", g->paras.items[pick(g, g->paras.n)]);
	}
	buf_truncate(b, b->len - 1);
}

static int
write_file(const char *path, const char *s, size_t n)
{
	FILE	*f;

	if ((f = fopen(path, "w")) == NULL ||
	    fwrite(s, 1, n, f) != n || fclose(f) == EOF) {
		diag_err(path, 0, 0, "cannot write: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static const char usage_text[] =
"usage: bench-gen [-s SEED] [-n N] [-t THEMES] -o OUTDIR SOURCE...\n"
"  Writes OUTDIR/site.yaml, OUTDIR/content/articles/*.md (N articles,\n"
"  default 1000) and OUTDIR/themes (a symlink to THEMES, default the\n"
"  repository's themes/).  SOURCE: *.md or *.txt files, or folders.\n";

int
main(int argc, char **argv)
{
	struct gen	 g;
	struct buf	 b;
	const char	*outdir = NULL, *themes = NULL;
	char		 path[PATH_MAX], *abs = NULL, *dir = NULL;
	size_t		 n = 1000, i, k;
	unsigned long long seed = 1;
	char		*end;
	int		 c, rc = 1;

	memset(&g, 0, sizeof(g));
	buf_init(&b);
	while ((c = getopt(argc, argv, "s:n:o:t:")) != -1)
		switch (c) {
		case 's': seed = strtoull(optarg, &end, 10); break;
		case 'n':
			n = (size_t)strtoull(optarg, &end, 10);
			if (*end != '\0' || n < 1 || n > 10000000) {
				fputs("bench-gen: -n wants 1..10000000\n", stderr);
				return 2;
			}
			break;
		case 'o': outdir = optarg; break;
		case 't': themes = optarg; break;
		default: fputs(usage_text, stderr); return 2;
		}
	if (outdir == NULL || optind == argc) {
		fputs(usage_text, stderr);
		return 2;
	}
	g.rng = seed;
	for (i = (size_t)optind; i < (size_t)argc; i++)
		if (read_sources(&g, argv[i]) == -1)
			goto out;
	if (g.paras.n == 0) {
		diag_err(argv[optind], 0, 0, "no paragraphs of 40 characters "
		    "or more in the sources (give articles or page dumps)");
		goto out;
	}
	for (i = 0; i < 400; i++) {
		buf_truncate(&b, 0);
		buf_printf(&b, "%s%s%s",
		    surnames[pick(&g, sizeof(surnames) / sizeof(surnames[0]))],
		    given[pick(&g, sizeof(given) / sizeof(given[0]))],
		    pick(&g, 3) == 0 ? given[pick(&g,
		    sizeof(given) / sizeof(given[0]))] : "");
		pool_add(&g.reporters, b.p, b.len);
	}

	dir = xasprintf("%s/content/articles", outdir);
	if (rm_rf(dir) == -1 || mkdir_p(dir) == -1)
		goto out;
	buf_truncate(&b, 0);
	buf_printf(&b, "# made by bench-gen -s %llu -n %zu from %zu source "
	    "files\ntitle: 基层治理档案（基准测试 %zu 篇）\n"
	    "description: 由真实文章生成的合成档案，用于性能测试。\n"
	    "language: zh-CN\nauthor: 基准测试\npublisher: 基准测试\n"
	    "theme: default\nbase_url: https://bench.example.org/archive/\n"
	    "per_page: 20\n", seed, n, g.nsrcfiles, n);
	if (path_join(path, sizeof(path), outdir, "site.yaml") == -1 ||
	    write_file(path, b.p, b.len) == -1)
		goto out;
	for (i = 0; i < n; i++) {
		buf_truncate(&b, 0);
		article(&g, i, n, &b);
		k = (size_t)snprintf(path, sizeof(path), "%s/a%07zu.md", dir, i);
		if (k >= sizeof(path) || write_file(path, b.p, b.len) == -1)
			goto out;
	}
	if (themes == NULL)
		themes = "themes";
	if ((abs = realpath(themes, NULL)) == NULL) {
		diag_err(themes, 0, 0, "no themes folder: %s", strerror(errno));
		goto out;
	}
	if (path_join(path, sizeof(path), outdir, "themes") == -1)
		goto out;
	unlink(path);
	if (symlink(abs, path) == -1) {
		diag_err(path, 0, 0, "cannot link themes: %s", strerror(errno));
		goto out;
	}
	fprintf(stderr, "bench-gen: %zu articles in %s (pools: %zu paragraphs, "
	    "%zu titles, %zu headings from %zu files)\n", n, outdir,
	    g.paras.n, g.titles.n, g.heads.n, g.nsrcfiles);
	rc = 0;
out:
	free(abs);
	free(dir);
	buf_free(&b);
	pool_free(&g.paras);
	pool_free(&g.titles);
	pool_free(&g.heads);
	pool_free(&g.srctags);
	pool_free(&g.reporters);
	return rc;
}
