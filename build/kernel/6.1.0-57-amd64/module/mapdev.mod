/work/main/build/kernel/6.1.0-57-amd64/module/main.o
/work/main/build/kernel/6.1.0-57-amd64/module/object.o
/work/main/build/kernel/6.1.0-57-amd64/module/vm.o
/work/main/build/kernel/6.1.0-57-amd64/module/anon.o
/work/main/build/kernel/6.1.0-57-amd64/module/file.o
/work/main/build/kernel/6.1.0-57-amd64/module/map.o
/work/main/build/kernel/6.1.0-57-amd64/module/ioctl.o
