cmd_/work/main/build/kernel/6.1.0-57-amd64/module/modules.order := {   echo /work/main/build/kernel/6.1.0-57-amd64/module/mapdev.ko; :; } > /work/main/build/kernel/6.1.0-57-amd64/module/modules.order
