# The programs in /bin with their common options and their error for a
# missing file, run by sh in the guest (sh_programs.case); stdout and stderr
# both go to one file, compared with programs.expected. Each command's
# status follows it as "-> N".
d=${SHT_DIR:-/tmp/pt}
rm -rf $d
mkdir -p $d
cd $d || exit 1

echo '== echo cat'
echo -n no-newline; echo; echo "-> $?"
echo one > a; echo two >> a; cat a; echo "-> $?"
cat a - a < a; echo "-> $?"
cat nosuch; echo "-> $?"
cat a nosuch a; echo "-> $?"

echo '== ls'
mkdir sub; echo x > sub/f; echo y > .hidden; ln -s a link
ls; echo "-> $?"
ls -1; echo "-> $?"
ls -a; echo "-> $?"
ls -l a link | cut -c1-10; echo "-> $?"
ls -l link | grep -c ' link -> a$'; echo "-> $?"
ls sub a; echo "-> $?"
ls nosuch; echo "-> $?"
ls -z; echo "-> $?"

echo '== mkdir rmdir'
mkdir -p p/q/r && [ -d p/q/r ]; echo "-> $?"
mkdir -p p/q/r; echo "-> $?"
mkdir p; echo "-> $?"
mkdir nosuch/x; echo "-> $?"
rmdir p/q/r p/q; echo "-> $?"
rmdir p/nosuch; echo "-> $?"
rmdir sub; echo "-> $?"

echo '== cp mv rm'
cp a b; cat b; echo "-> $?"
cp nosuch c; echo "-> $?"
cp -r sub sub2; cat sub2/f; echo "-> $?"
cp sub sub3; echo "-> $?"
mv b c; cat c; ls b; echo "-> $?"
mv nosuch d; echo "-> $?"
mkdir into; mv c into; ls into; echo "-> $?"
rm into/c; ls into; echo "-> $?"
rm nosuch; echo "-> $?"
rm -f nosuch; echo "-> $?"
rm sub2; echo "-> $?"
rm -r sub2; ls sub2; echo "-> $?"
rm -rf into p; ls; echo "-> $?"

echo '== ln touch stat'
ln a hard; cat hard; echo "-> $?"
ln -s a sym; cat sym; echo "-> $?"
ln a hard; echo "-> $?"
ln -f a hard; echo "-> $?"
ln nosuch x; echo "-> $?"
touch new; [ -f new ] && [ ! -s new ]; echo "-> $?"
touch -c nocreate; ls nocreate; echo "-> $?"
stat a | grep -c Size; echo "-> $?"
stat nosuch; echo "-> $?"

echo '== wc head tail'
for l in l1 l2 l3 l4 l5 l6 l7 l8 l9 l10 l11 l12; do echo "$l"; done > n
wc -l n; echo "-> $?"
wc -w a; echo "-> $?"
wc -c a; echo "-> $?"
wc a n; echo "-> $?"
wc < a; echo "-> $?"
wc nosuch; echo "-> $?"
head -n 2 n; echo "-> $?"
head -3 n; echo "-> $?"
head n | wc -l; echo "-> $?"
head nosuch; echo "-> $?"
tail -n 2 n; echo "-> $?"
tail -n +11 n; echo "-> $?"
tail n | wc -l; echo "-> $?"
tail nosuch; echo "-> $?"

echo '== grep'
for l in apple banana cherry 'a.c' abc 'x*y' xxy Apple; do echo "$l"; done > g
grep an g; echo "-> $?"
grep '^a' g; echo "-> $?"
grep 'y$' g; echo "-> $?"
grep 'a.c' g; echo "-> $?"
grep -F 'a.c' g; echo "-> $?"
grep 'x*y' g; echo "-> $?"
grep '^[ab]' g; echo "-> $?"
grep '[^a-z]' g; echo "-> $?"
grep -i apple g; echo "-> $?"
grep -v a g; echo "-> $?"
grep -c a g; echo "-> $?"
grep -n cherry g; echo "-> $?"
grep -q banana g; echo "-> $?"
grep nothing g; echo "-> $?"
grep a nosuch; echo "-> $?"
grep a g nosuch; echo "-> $?"

echo '== sort uniq tee cut'
for l in b a c a 10 9; do echo "$l"; done > s
sort s; echo "-> $?"
sort -r s; echo "-> $?"
sort -n s; echo "-> $?"
sort -u s; echo "-> $?"
sort nosuch; echo "-> $?"
for l in a a b a c c; do echo "$l"; done > u
uniq u; echo "-> $?"
uniq -c u; echo "-> $?"
uniq nosuch; echo "-> $?"
echo teed | tee t1 t2; cat t1 t2; echo "-> $?"
echo more | tee -a t1 > /dev/null; cat t1; echo "-> $?"
echo x | tee nodir/t; echo "-> $?"
echo 'a:b:c:d' > c
cut -d: -f2 c; echo "-> $?"
cut -d: -f1,3 c; echo "-> $?"
cut -d: -f2- c; echo "-> $?"
cut -c1-3 c; echo "-> $?"
cut -d: -f2 nosuch; echo "-> $?"

echo '== du sleep true false env date kill sync'
du -s sub > /dev/null 2>&1; echo "-> $?"
du nosuch; echo "-> $?"
sleep 0.1; echo "-> $?"
sleep x; echo "-> $?"
true; echo "-> $?"
false; echo "-> $?"
env -i A=1 env; echo "-> $?"
env B=2 sh -c 'echo $B'; echo "-> $?"
env nosuch_prog; echo "-> $?"
date +%Y | grep -c '^[0-9][0-9][0-9][0-9]$'; date | grep -c ' [0-9][0-9]:[0-9][0-9]:[0-9][0-9] '; echo "-> $?"
env kill -l | grep -c INT; echo "-> $?"
env kill nosuch; echo "-> $?"
sync; echo "-> $?"

echo '== pipeline of four'
for l in b a c a b a; do echo "$l"; done | sort | uniq -c | sort -rn | head -n 1; echo "-> $?"
cat n | grep 1 | tail -n 2 | wc -l; echo "-> $?"
echo '== end'
