/** The x86_64 vCPU on KVM (VT-x or SVM underneath). */
package dev.axvm.vcpu.x86;
