// Holds one idle KVM VM open for the whole guest run; init starts it before the job.
//
// Why: creating the first VM and destroying the last one flip static keys in the kernel, which
// patches its own code. Under QEMU's x86 emulation that patching sometimes froze the whole
// emulated machine (both CPUs spinning in the int3 handler) when jobs created and destroyed VMs
// in a loop; with one VM always open, the keys stay put (cross-arch/README.md, "Stalls").
// Exits when /dev/kvm cannot give a VM (there is nothing to hold) or on SIGTERM.
#define _POSIX_C_SOURCE 200809L // O_CLOEXEC

#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

int main(void) {
    int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (kvm < 0) {
        perror("kvm-holder: /dev/kvm");
        return 1;
    }
    int vm = ioctl(kvm, KVM_CREATE_VM, 0);
    if (vm < 0) {
        perror("kvm-holder: KVM_CREATE_VM");
        return 1;
    }
    for (;;) {
        pause();
    }
}
