/* The ext2 on-disk format: every structure the library reads or writes.
 *
 * All fields are little-endian. Chime only targets little-endian machines
 * (riscv64, and x86-64/arm64 hosts for the tools), so the structures are read
 * in place; the static assertion below makes a big-endian build fail loudly.
 *
 * Disk layout (block size B = 1024 << s_log_block_size):
 *
 *   byte 0     1024      2048
 *   +----------+---------+------------------------------------------------
 *   | boot     | super-  | (B = 1K: block 2 onwards; B > 1K: rest of block 0)
 *   | sectors  | block   |
 *   +----------+---------+------------------------------------------------
 *
 *   block group g (starts at s_first_data_block + g * s_blocks_per_group):
 *   +-------------+-----------+---------+---------+-------------+---------+
 *   | superblock  | group     | reserved| block   | inode       | data    |
 *   | backup (*)  | desc. (*) | GDT (*) | bitmap  | bitmap,table| blocks  |
 *   +-------------+-----------+---------+---------+-------------+---------+
 *   (*) only in groups that carry a backup (all with rev 0 or without
 *       sparse_super; else 0, 1 and powers of 3, 5, 7). Bitmap and table
 *       locations are read from the group descriptor, never computed, so
 *       flex_bg placement needs no special case.
 */
#ifndef EXT2_DISK_H
#define EXT2_DISK_H

#include <stddef.h>
#include <stdint.h>

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "ext2 structures are read in place");

#define EXT2_SUPER_OFFSET        1024u   /* byte offset of the primary superblock */
#define EXT2_SUPER_SIZE          1024u   /* bytes of the superblock on disk */
#define EXT2_MAGIC               0xEF53u /* s_magic */
#define EXT2_ROOT_INO            2u      /* inode of "/" */
#define EXT2_GOOD_OLD_FIRST_INO  11u     /* first non-reserved inode in revision 0 */
#define EXT2_GOOD_OLD_INODE_SIZE 128u    /* inode size in revision 0 */
#define EXT2_NDIR_BLOCKS         12u     /* direct pointers in i_block */
#define EXT2_IND_BLOCK           12u     /* i_block index of the single indirect block */
#define EXT2_DIND_BLOCK          13u     /* ... of the double indirect block */
#define EXT2_TIND_BLOCK          14u     /* ... of the triple indirect block */
#define EXT2_N_BLOCKS            15u
#define EXT2_NAME_MAX            255u
#define EXT2_LINK_MAX            65000u /* the most links the ext2 driver allows */

/* Superblock: the file-system-wide parameters and counters, at byte 1024. */
struct ext2_super {
    uint32_t s_inodes_count;      /* inodes in the file system */
    uint32_t s_blocks_count;      /* blocks in the file system, including metadata */
    uint32_t s_r_blocks_count;    /* blocks reserved for the super-user */
    uint32_t s_free_blocks_count; /* free blocks: must equal the sum over groups */
    uint32_t s_free_inodes_count; /* free inodes: must equal the sum over groups */
    uint32_t s_first_data_block;  /* block holding the superblock: 1 if B = 1K, else 0 */
    uint32_t s_log_block_size;    /* B = 1024 << this */
    uint32_t s_log_frag_size;     /* fragments (never implemented): same as block size */
    uint32_t s_blocks_per_group;
    uint32_t s_frags_per_group;
    uint32_t s_inodes_per_group;
    uint32_t s_mtime;           /* last mount time */
    uint32_t s_wtime;           /* last write time */
    uint16_t s_mnt_count;       /* mounts since the last check */
    int16_t s_max_mnt_count;    /* mounts allowed before a check is forced */
    uint16_t s_magic;           /* EXT2_MAGIC */
    uint16_t s_state;           /* 1 = cleanly unmounted, 2 = errors detected */
    uint16_t s_errors;          /* what the kernel does on errors */
    uint16_t s_minor_rev_level; /* minor revision */
    uint32_t s_lastcheck;       /* time of last check */
    uint32_t s_checkinterval;   /* max time between checks */
    uint32_t s_creator_os;      /* 0 = Linux */
    uint32_t s_rev_level;       /* 0 = original format, 1 = dynamic inode sizes and features */
    uint16_t s_def_resuid;      /* default uid for reserved blocks */
    uint16_t s_def_resgid;      /* default gid for reserved blocks */
    /* Revision 1 only from here on (zero in revision 0). */
    uint32_t s_first_ino;           /* first non-reserved inode */
    uint16_t s_inode_size;          /* bytes per on-disk inode */
    uint16_t s_block_group_nr;      /* group holding this copy of the superblock */
    uint32_t s_feature_compat;      /* features an old driver may ignore */
    uint32_t s_feature_incompat;    /* features a driver must understand to mount */
    uint32_t s_feature_ro_compat;   /* features a driver must understand to write */
    uint8_t s_uuid[16];             /* volume id */
    char s_volume_name[16];         /* volume label */
    char s_last_mounted[64];        /* directory where last mounted */
    uint32_t s_algo_bitmap;         /* compression algorithms */
    uint8_t s_prealloc_blocks;      /* blocks to preallocate for files */
    uint8_t s_prealloc_dir_blocks;  /* blocks to preallocate for directories */
    uint16_t s_reserved_gdt_blocks; /* GDT blocks reserved for online growth */
    uint8_t s_journal_uuid[16];     /* ext3 journal: uuid of the journal superblock */
    uint32_t s_journal_inum;        /* ext3 journal inode */
    uint32_t s_journal_dev;         /* ext3 journal device */
    uint32_t s_last_orphan;         /* head of the orphan inode list */
    uint32_t s_hash_seed[4];        /* htree hash seed */
    uint8_t s_def_hash_version;     /* htree default hash */
    uint8_t s_jnl_backup_type;
    uint16_t s_desc_size; /* group descriptor size with the 64bit feature */
    uint32_t s_default_mount_opts;
    uint32_t s_first_meta_bg;
    uint32_t s_mkfs_time;
    uint32_t s_jnl_blocks[17];
    uint8_t s_rest[1024 - 336]; /* ext4 fields the library neither reads nor writes */
};
_Static_assert(sizeof(struct ext2_super) == EXT2_SUPER_SIZE, "superblock is 1 KiB");
_Static_assert(offsetof(struct ext2_super, s_magic) == 56, "s_magic offset");
_Static_assert(offsetof(struct ext2_super, s_first_ino) == 84, "s_first_ino offset");
_Static_assert(offsetof(struct ext2_super, s_feature_ro_compat) == 100, "ro_compat offset");
_Static_assert(offsetof(struct ext2_super, s_desc_size) == 254, "s_desc_size offset");
_Static_assert(offsetof(struct ext2_super, s_rest) == 336, "s_rest offset");

/* Superblock s_state bits. */
#define EXT2_VALID_FS 1u
#define EXT2_ERROR_FS 2u

/* Compatible features: safe to mount and write without understanding them. */
#define EXT2_FEATURE_COMPAT_DIR_PREALLOC  0x0001u
#define EXT2_FEATURE_COMPAT_IMAGIC_INODES 0x0002u
#define EXT2_FEATURE_COMPAT_HAS_JOURNAL   0x0004u
#define EXT2_FEATURE_COMPAT_EXT_ATTR      0x0008u
#define EXT2_FEATURE_COMPAT_RESIZE_INODE  0x0010u
#define EXT2_FEATURE_COMPAT_DIR_INDEX     0x0020u

/* Read-only compatible features: unknown ones force a read-only mount. */
#define EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER 0x0001u
#define EXT2_FEATURE_RO_COMPAT_LARGE_FILE   0x0002u

/* Incompatible features: unknown ones refuse the mount. */
#define EXT2_FEATURE_INCOMPAT_FILETYPE 0x0002u
#define EXT2_FEATURE_INCOMPAT_FLEX_BG  0x0200u

/* Group descriptor: where one block group keeps its metadata, and its counters.
 * An array of them fills the blocks after the superblock's block. */
struct ext2_group_desc {
    uint32_t bg_block_bitmap;      /* block of the block bitmap */
    uint32_t bg_inode_bitmap;      /* block of the inode bitmap */
    uint32_t bg_inode_table;       /* first block of the inode table */
    uint16_t bg_free_blocks_count; /* free blocks in the group */
    uint16_t bg_free_inodes_count; /* free inodes in the group */
    uint16_t bg_used_dirs_count;   /* directories in the group */
    uint16_t bg_flags;             /* ext4 lazy-init flags (unused by ext2) */
    uint32_t bg_reserved[3];
};
_Static_assert(sizeof(struct ext2_group_desc) == 32, "group descriptor is 32 bytes");

/* Inode: the first 128 bytes of every on-disk inode (bigger inodes keep
 * ext4 extra fields after them, which the library preserves untouched). */
struct ext2_inode {
    uint16_t i_mode;                 /* file type (S_IF*) and permission bits */
    uint16_t i_uid;                  /* owner, low 16 bits */
    uint32_t i_size;                 /* size in bytes, low 32 bits */
    uint32_t i_atime;                /* access time */
    uint32_t i_ctime;                /* inode change time */
    uint32_t i_mtime;                /* data modification time */
    uint32_t i_dtime;                /* deletion time; nonzero marks a deleted inode */
    uint16_t i_gid;                  /* group, low 16 bits */
    uint16_t i_links_count;          /* directory entries naming this inode */
    uint32_t i_blocks;               /* 512-byte units allocated: data, indirect and xattr blocks */
    uint32_t i_flags;                /* EXT2_*_FL */
    uint32_t i_osd1;                 /* OS-dependent */
    uint32_t i_block[EXT2_N_BLOCKS]; /* 12 direct, 1 single, 1 double, 1 triple indirect;
                                        a fast symlink keeps its target here */
    uint32_t i_generation;           /* file version for NFS */
    uint32_t i_file_acl;             /* block of extended attributes, 0 if none */
    uint32_t i_size_high;            /* regular files: size bits 32..63 (large_file) */
    uint32_t i_faddr;                /* fragment address (unused) */
    uint8_t i_frag;                  /* fragment number (unused) */
    uint8_t i_fsize;                 /* fragment size (unused) */
    uint16_t i_pad1;
    uint16_t i_uid_high; /* owner, high 16 bits */
    uint16_t i_gid_high; /* group, high 16 bits */
    uint32_t i_reserved2;
};
_Static_assert(sizeof(struct ext2_inode) == 128, "inode core is 128 bytes");
_Static_assert(offsetof(struct ext2_inode, i_block) == 40, "i_block offset");
_Static_assert(offsetof(struct ext2_inode, i_file_acl) == 104, "i_file_acl offset");

/* i_flags bits the library looks at. */
#define EXT2_INDEX_FL 0x00001000u /* directory has an htree index (dir_index) */

/* i_mode file types (the same values as POSIX S_IF*). */
#define EXT2_S_IFMT   0xF000u
#define EXT2_S_IFSOCK 0xC000u
#define EXT2_S_IFLNK  0xA000u
#define EXT2_S_IFREG  0x8000u
#define EXT2_S_IFBLK  0x6000u
#define EXT2_S_IFDIR  0x4000u
#define EXT2_S_IFCHR  0x2000u
#define EXT2_S_IFIFO  0x1000u

/* Directory entry: a variable-length record in a directory block. Records
 * tile each block exactly; rec_len covers the name and any slack after it, and
 * an entry with inode 0 is unused space. */
struct ext2_dirent {
    uint32_t inode;    /* inode named, 0 if the record is free */
    uint16_t rec_len;  /* bytes to the next record (multiple of 4) */
    uint8_t name_len;  /* bytes of name (no terminating NUL) */
    uint8_t file_type; /* EXT2_FT_* with the filetype feature; 0 (high byte of
                          a 16-bit name_len) without it */
    char name[];       /* name, padded to a multiple of 4 */
};
_Static_assert(sizeof(struct ext2_dirent) == 8, "dirent header is 8 bytes");

#define EXT2_DIRENT_LEN(name_len) ((8u + (name_len) + 3u) & ~3u)

/* Directory entry file types (filetype feature). */
#define EXT2_FT_UNKNOWN  0u
#define EXT2_FT_REG_FILE 1u
#define EXT2_FT_DIR      2u
#define EXT2_FT_CHRDEV   3u
#define EXT2_FT_BLKDEV   4u
#define EXT2_FT_FIFO     5u
#define EXT2_FT_SOCK     6u
#define EXT2_FT_SYMLINK  7u

/* Extended-attribute block header: only the fields needed to drop a
 * reference when the last link to an inode goes. */
struct ext2_xattr_header {
    uint32_t h_magic;    /* EXT2_XATTR_MAGIC */
    uint32_t h_refcount; /* inodes sharing this block */
    uint32_t h_blocks;   /* always 1 */
    uint32_t h_hash;
};
#define EXT2_XATTR_MAGIC 0xEA020000u

#endif
