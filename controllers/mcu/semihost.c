/* semihost: output and exit through Arm semihosting, the firmware example's only I/O.
 *
 * A semihosting call is `bkpt 0xab` with the operation in r0 and its argument in r1 (Arm
 * "Semihosting for AArch32 and AArch64", 2.x); QEMU (-semihosting) or an attached debugger
 * carries it out. On a robot these calls would be the motor driver and a serial log. */
#include "board.h"

#define SYS_WRITE0 0x04 /* r1: NUL-terminated string */
#define SYS_EXIT 0x18   /* r1: reason code */
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u /* QEMU exits with status 0 */
#define ADP_STOPPED_RUNTIME_ERROR 0x20023u    /* ... and with status 1 */

static uint32_t semihost_call(uint32_t op, uint32_t arg) {
  register uint32_t r0 __asm__("r0") = op;
  register uint32_t r1 __asm__("r1") = arg;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

void semihost_write(const char *s) { semihost_call(SYS_WRITE0, (uint32_t)(uintptr_t)s); }

void semihost_exit(int status) {
  semihost_call(SYS_EXIT, status == 0 ? ADP_STOPPED_APPLICATION_EXIT : ADP_STOPPED_RUNTIME_ERROR);
  for (;;) __asm__ volatile("wfi"); /* not reached under QEMU */
}
