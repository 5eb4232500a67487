/* board: the few pieces of the MPS2 boards (QEMU's mps2-an386, Cortex-M4F, and mps2-an500,
 * Cortex-M7) that the firmware example touches, and its start-up and semihosting helpers.
 *
 * Registers are the Cortex-M system ones (ARMv7-M Architecture Reference Manual, B3.2/B3.3)
 * and the CMSDK APB timer 0 of the MPS2 FPGA images (Arm AN386/AN500), which QEMU clocks at
 * the boards' 25 MHz SYSCLK. */
#ifndef MCU_BOARD_H
#define MCU_BOARD_H

#include <stdint.h>

#define REG32(addr) (*(volatile uint32_t *)(addr))

#define BOARD_SYSCLK_HZ 25000000u /* SysTick (processor clock) and the APB timers */

/* coprocessor access control: bits 20-23 give the FPU (CP10, CP11) to all code */
#define SCB_CPACR REG32(0xe000ed88u)

/* SysTick: a 24-bit down-counter that raises exception 15 each time it wraps */
#define SYST_CSR REG32(0xe000e010u) /* bit 0 enable, 1 interrupt, 2 processor clock */
#define SYST_RVR REG32(0xe000e014u) /* reload value: period - 1 */
#define SYST_CVR REG32(0xe000e018u) /* current value; any write clears it */

/* CMSDK APB timer 0: a 32-bit down-counter at SYSCLK, used free-running as a clock */
#define TIMER0_CTRL REG32(0x40000000u) /* bit 0 enable */
#define TIMER0_VALUE REG32(0x40000004u)
#define TIMER0_RELOAD REG32(0x40000008u)

/* semihosting (the debugger's, here QEMU's, console): write a NUL-terminated string */
void semihost_write(const char *s);
/* end the program: QEMU exits with status 0 for status 0, 1 otherwise */
void semihost_exit(int status) __attribute__((noreturn));

/* fill the unused stack below the caller with a pattern */
void stack_paint(void);
/* the lowest stack address written since the last stack_paint */
uintptr_t stack_lowest(void);

#endif /* MCU_BOARD_H */
