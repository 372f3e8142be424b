/*
 * replay.c: a main() for fuzz targets without libFuzzer.  Runs
 * LLVMFuzzerTestOneInput over every file named (folders are walked one
 * level deep), so make test replays each corpus under ASan + UBSan.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
one(const char *path)
{
	FILE	*f;
	uint8_t	*p;
	long	 n;

	if ((f = fopen(path, "rb")) == NULL) {
		perror(path);
		return 1;
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	p = malloc(n > 0 ? (size_t)n : 1);
	if (p == NULL || (n > 0 && fread(p, 1, (size_t)n, f) != (size_t)n)) {
		perror(path);
		fclose(f);
		free(p);
		return 1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(p, (size_t)n);
	free(p);
	return 0;
}

int
main(int argc, char **argv)
{
	struct dirent	*d;
	struct stat	 st;
	char		 path[4096];
	DIR		*dir;
	int		 i, rc = 0, count = 0;

	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			if ((dir = opendir(argv[i])) == NULL)
				return 1;
			while ((d = readdir(dir)) != NULL) {
				if (d->d_name[0] == '.')
					continue;
				snprintf(path, sizeof(path), "%s/%s", argv[i],
				    d->d_name);
				rc |= one(path);
				count++;
			}
			closedir(dir);
		} else {
			rc |= one(argv[i]);
			count++;
		}
	}
	printf("replayed %d inputs\n", count);
	return rc;
}
