cmd_/work/main/build/kernel/6.1.0-57-amd64/modules.order := {   cat /work/main/build/kernel/6.1.0-57-amd64/module/modules.order; :; } > /work/main/build/kernel/6.1.0-57-amd64/modules.order
