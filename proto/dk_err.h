/* deskd error codes: every function returns 0 or one of these (negative). */
#ifndef DESKD_DK_ERR_H
#define DESKD_DK_ERR_H

enum dk_err {
	DK_OK = 0,
	DK_ERR_NOTFOUND = -1, /* no such record */
	DK_ERR_EXISTS = -2,   /* unique key already taken */
	DK_ERR_CORRUPT = -3,  /* bytes do not decode */
	DK_ERR_NOSPACE = -4,  /* map or disk full */
	DK_ERR_INVALID = -5,  /* bad argument or input */
	DK_ERR_NOMEM = -6,
	DK_ERR_IO = -7,       /* system call failed */
	DK_ERR_LOCKED = -8,   /* data directory in use by another deskd */
	DK_ERR_SCHEMA = -9,   /* database written by a newer schema */
	DK_ERR_ACCESS = -10,  /* permission denied by the file system */
	DK_ERR_CONFLICT = -11 /* state does not allow the change */
};

/* Static text for an error code; never NULL. */
const char *dk_strerror(int err);

#endif
